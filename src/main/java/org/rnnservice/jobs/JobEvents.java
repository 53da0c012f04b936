package org.rnnservice.jobs;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-Sent Events of training jobs: {@code state} on every state change, {@code epoch} after each epoch with its
 * logs, and throttled {@code progress}. Every event has an {@code id:}, counting up per job; a client that reconnects
 * with {@code Last-Event-ID} gets the events it missed (of the last {@value #KEPT}), else the current state first. The
 * stream ends with the job.
 */
@Component
class JobEvents {

    /** Streams stay open at most this long; clients reconnect and resume. */
    private static final long TIMEOUT_MILLIS = 60 * 60 * 1000L;
    /** Events kept per running job for clients that reconnect. */
    static final int KEPT = 512;

    private record Event(long id, String name, Object data) {
    }

    /** One job's stream: its subscribers, its event count and its recent events, changed under its lock. */
    private static final class Channel {
        final Set<SseEmitter> emitters = ConcurrentHashMap.newKeySet();
        final Deque<Event> recent = new ArrayDeque<>();
        long last;
    }

    private final Map<String, Channel> channels = new ConcurrentHashMap<>();

    /**
     * Opens a stream: registered, and the missed events or the current state sent, under the channel's lock, so no
     * event is lost or sent twice between the two.
     */
    SseEmitter subscribe(String jobId, Supplier<JobRecord> current, Long lastEventId) {
        SseEmitter emitter = new SseEmitter(TIMEOUT_MILLIS);
        Channel channel = channels.computeIfAbsent(jobId, k -> new Channel());
        Runnable remove = () -> channel.emitters.remove(emitter);
        emitter.onCompletion(remove);
        emitter.onTimeout(remove);
        emitter.onError(e -> remove.run());
        synchronized (channel) {
            channel.emitters.add(emitter);
            List<Event> missed = lastEventId == null ? List.of()
                    : channel.recent.stream().filter(e -> e.id() > lastEventId).toList();
            boolean resumable = lastEventId != null && lastEventId <= channel.last
                    && (channel.recent.isEmpty() || channel.recent.peekFirst().id() <= lastEventId + 1);
            if (resumable) {
                missed.forEach(e -> send(emitter, e));
            } else {
                JobRecord job = current.get();
                send(emitter, new Event(channel.last, "state", job));
                if (job.state().isFinal()) {
                    emitter.complete();
                    channels.remove(jobId, channel); // an ended job publishes nothing more
                }
            }
        }
        return emitter;
    }

    /** The jobs whose streams someone is reading. */
    Set<String> watched() {
        Set<String> out = new java.util.HashSet<>();
        channels.forEach((id, channel) -> {
            if (!channel.emitters.isEmpty()) {
                out.add(id);
            }
        });
        return out;
    }

    void state(JobRecord job) {
        publish(job.id(), "state", job);
        if (job.state().isFinal()) {
            Channel channel = channels.remove(job.id());
            if (channel != null) {
                synchronized (channel) {
                    channel.emitters.forEach(SseEmitter::complete);
                }
            }
        }
    }

    void publish(String jobId, String name, Object data) {
        Channel channel = channels.computeIfAbsent(jobId, k -> new Channel());
        synchronized (channel) {
            Event event = new Event(++channel.last, name, data);
            channel.recent.addLast(event);
            if (channel.recent.size() > KEPT) {
                channel.recent.removeFirst();
            }
            channel.emitters.removeIf(e -> !send(e, event));
        }
    }

    private static boolean send(SseEmitter emitter, Event event) {
        try {
            emitter.send(SseEmitter.event().id(Long.toString(event.id())).name(event.name()).data(event.data()));
            return true;
        } catch (IOException | IllegalStateException e) {
            // the client went away; the emitter's own callbacks clean up
            return false;
        }
    }
}

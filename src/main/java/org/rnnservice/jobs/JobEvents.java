package org.rnnservice.jobs;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-Sent Events of training jobs: {@code state} on every state change, {@code epoch} after each epoch with its
 * logs, and throttled {@code progress}. An event's {@code id:} is its place in the job's course, the same on every
 * replica ({@link EventIds}), so a client that reconnects with {@code Last-Event-ID}, to this replica or to another,
 * resumes after that event: from the events this replica kept (the last {@value #KEPT}), else from the job's stored
 * record (every epoch after it, then the job's state now). No stream sends an event twice. The stream ends with the
 * job.
 */
@Component
class JobEvents {

    /** Streams stay open at most this long; clients reconnect and resume. */
    private static final long TIMEOUT_MILLIS = 60 * 60 * 1000L;
    /** Events kept per running job for clients that reconnect. */
    static final int KEPT = 512;

    private record Event(long id, String name, Object data) {
    }

    /** One job's stream: its subscribers with the last event each was sent, and its recent events. */
    private static final class Channel {
        final Map<SseEmitter, Long> emitters = new ConcurrentHashMap<>();
        final Deque<Event> recent = new ArrayDeque<>();
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
            JobRecord job = current.get();
            Event now = new Event(EventIds.state(job), "state", job);
            // an id past the block the job is in is none this job gave (say, from before a restart of the store)
            boolean known = lastEventId != null && (kept(channel, lastEventId)
                    || lastEventId < (EventIds.epochsDone(job) + 1L) * EventIds.STRIDE);
            List<Event> missed = known ? missed(channel, job, lastEventId) : null;
            if (missed == null) {
                channel.emitters.put(emitter, -1L); // a new stream, or an id this job never had: its state now
                send(channel, emitter, now);
            } else {
                channel.emitters.put(emitter, lastEventId);
                missed.forEach(e -> send(channel, emitter, e));
            }
            if (job.state().isFinal()) {
                emitter.complete();
                channels.remove(jobId, channel); // an ended job publishes nothing more
            }
        }
        return emitter;
    }

    /** Whether this replica still keeps the event of this id. */
    private static boolean kept(Channel channel, long id) {
        return channel.recent.stream().anyMatch(e -> e.id() == id);
    }

    /**
     * The events after {@code after}: those this replica kept, when it kept that one; else, as another replica may
     * have sent it, every epoch of the stored record after it and the job's state (and progress) now.
     */
    private static List<Event> missed(Channel channel, JobRecord job, long after) {
        if (kept(channel, after)) {
            return channel.recent.stream().filter(e -> e.id() > after).toList();
        }
        List<Event> out = new ArrayList<>();
        int epochs = EventIds.epochsDone(job);
        for (int e = 1; e <= epochs; e++) {
            if (EventIds.epoch(e) > after) {
                Map<String, Double> logs = new LinkedHashMap<>();
                int epoch = e - 1;
                job.history().forEach((k, v) -> logs.put(k, v.get(epoch)));
                out.add(new Event(EventIds.epoch(e), "epoch", Map.of("epoch", e, "logs", logs)));
            }
        }
        out.add(new Event(EventIds.state(job), "state", job));
        if (job.state() == JobState.RUNNING && job.progress().batch() > 0) {
            out.add(new Event(EventIds.progress(job.progress()), "progress", job.progress()));
        }
        return out;
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
        publish(job.id(), EventIds.state(job), "state", job);
        if (job.state().isFinal()) {
            Channel channel = channels.remove(job.id());
            if (channel != null) {
                synchronized (channel) {
                    channel.emitters.keySet().forEach(SseEmitter::complete);
                }
            }
        }
    }

    void epoch(String jobId, int epoch, Map<String, Double> logs) {
        publish(jobId, EventIds.epoch(epoch), "epoch", Map.of("epoch", epoch, "logs", logs));
    }

    void progress(String jobId, JobRecord.Progress progress) {
        publish(jobId, EventIds.progress(progress), "progress", progress);
    }

    private void publish(String jobId, long id, String name, Object data) {
        Channel channel = channels.computeIfAbsent(jobId, k -> new Channel());
        synchronized (channel) {
            Event event = new Event(id, name, data);
            channel.recent.addLast(event);
            if (channel.recent.size() > KEPT) {
                channel.recent.removeFirst();
            }
            for (SseEmitter emitter : List.copyOf(channel.emitters.keySet())) {
                if (!send(channel, emitter, event)) {
                    channel.emitters.remove(emitter);
                }
            }
        }
    }

    /** Sends an event the stream has not had yet (an id above the last one it was sent); false if it went away. */
    private static boolean send(Channel channel, SseEmitter emitter, Event event) {
        Long last = channel.emitters.get(emitter);
        if (last != null && event.id() <= last && last >= 0) {
            return true;
        }
        try {
            emitter.send(SseEmitter.event().id(Long.toString(event.id())).name(event.name()).data(event.data()));
            channel.emitters.computeIfPresent(emitter, (e, before) -> Math.max(before, event.id()));
            return true;
        } catch (IOException | IllegalStateException e) {
            // the client went away; the emitter's own callbacks clean up
            return false;
        }
    }
}

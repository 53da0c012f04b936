package org.rnnservice.jobs;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-Sent Events of training jobs: {@code state} on every state change, {@code epoch} after each epoch with its
 * logs, and throttled {@code progress}. A subscriber first gets the current state; the stream ends with the job.
 */
@Component
class JobEvents {

    /** Streams stay open at most this long; clients reconnect and get the current state again. */
    private static final long TIMEOUT_MILLIS = 60 * 60 * 1000L;

    private final Map<String, Set<SseEmitter>> emitters = new ConcurrentHashMap<>();

    /** Opens a stream: registered before the current state is read, so no later event can be missed. */
    SseEmitter subscribe(String jobId, Supplier<JobRecord> current) {
        SseEmitter emitter = new SseEmitter(TIMEOUT_MILLIS);
        Set<SseEmitter> set = emitters.computeIfAbsent(jobId, k -> ConcurrentHashMap.newKeySet());
        set.add(emitter);
        Runnable remove = () -> set.remove(emitter);
        emitter.onCompletion(remove);
        emitter.onTimeout(remove);
        emitter.onError(e -> remove.run());
        JobRecord job = current.get();
        send(emitter, "state", job);
        if (job.state().isFinal()) {
            emitter.complete();
        }
        return emitter;
    }

    void state(JobRecord job) {
        publish(job.id(), "state", job);
        if (job.state().isFinal()) {
            Set<SseEmitter> set = emitters.remove(job.id());
            if (set != null) {
                set.forEach(SseEmitter::complete);
            }
        }
    }

    void publish(String jobId, String event, Object data) {
        Set<SseEmitter> set = emitters.get(jobId);
        if (set != null) {
            for (SseEmitter e : set) {
                if (!send(e, event, data)) {
                    set.remove(e);
                }
            }
        }
    }

    private static boolean send(SseEmitter emitter, String event, Object data) {
        try {
            emitter.send(SseEmitter.event().name(event).data(data));
            return true;
        } catch (IOException | IllegalStateException e) {
            // the client went away; the emitter's own callbacks clean up
            return false;
        }
    }
}

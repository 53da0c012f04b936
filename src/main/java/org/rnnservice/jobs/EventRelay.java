package org.rnnservice.jobs;

import java.io.IOException;
import java.util.Map;
import org.rnnservice.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** With replicas, the events of jobs another replica trains, relayed to this replica's subscribers every second. */
final class EventRelay implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(EventRelay.class);

    private final Store store;
    private final JobRecords records;
    private final JobEvents events;
    private final Map<String, JobRecord> relayed = new java.util.concurrent.ConcurrentHashMap<>();

    EventRelay(Store store, JobRecords records, JobEvents events) {
        this.store = store;
        this.records = records;
        this.events = events;
    }

    /**
     * Streams of jobs that another replica trains: their stored record is read every second, and what changed is
     * published here as that replica publishes it (epochs, progress, state). Polling one row per watched job keeps
     * this to plain reads, where LISTEN/NOTIFY would hold a connection per replica and lose what a restart misses.
     */
    @Override
    public void run() {
        java.util.Set<String> watched = events.watched();
        relayed.keySet().retainAll(watched); // streams nobody follows any more are not relayed
        for (String id : watched) {
            if (records.trainsHere(id)) {
                relayed.remove(id);
                continue;
            }
            try {
                JobRecord now = store.get(Store.Collection.JOBS, id, JobRecord.class).orElse(null);
                JobRecord before = relayed.put(id, now);
                if (now == null || before == null) {
                    continue; // the first read is the state a new subscriber was sent
                }
                int seen = before.history().getOrDefault("loss", java.util.List.of()).size();
                int epochs = now.history().getOrDefault("loss", java.util.List.of()).size();
                for (int e = seen; e < epochs; e++) {
                    Map<String, Double> logs = new java.util.LinkedHashMap<>();
                    int epoch = e;
                    now.history().forEach((k, v) -> logs.put(k, v.get(epoch)));
                    events.epoch(id, e + 1, logs);
                }
                if (!now.progress().equals(before.progress())) {
                    events.progress(id, now.progress());
                }
                if (now.state() != before.state()) {
                    events.state(now);
                }
                if (now.state().isFinal()) {
                    relayed.remove(id);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Cannot relay events of job {}: {}", id, e.getMessage());
            }
        }
    }
}

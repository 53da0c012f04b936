package org.rnnservice.jobs;

import java.io.IOException;
import java.util.Map;
import org.rnnservice.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With replicas, a cancel request for a job another replica trains is stored; each replica runs this every second to
 * pass the requests stored for its own jobs to them.
 */
final class CancelRelay implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(CancelRelay.class);

    private final Store store;
    private final JobRecords records;

    CancelRelay(Store store, JobRecords records) {
        this.store = store;
        this.records = records;
    }

    @Override
    public void run() {
        for (TrainingJob job : records.trainedHere()) {
            try {
                var request = store.get(Store.Collection.CANCELS, job.id(), Map.class);
                if (request.isPresent()) {
                    job.requestCancel(Boolean.TRUE.equals(request.get().get("keep")));
                    store.delete(Store.Collection.CANCELS, job.id());
                    LOG.info("Job {} cancel requested through another replica", job.id());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Cannot read cancel requests: {}", e.getMessage());
            }
        }
    }
}

package org.rnnservice.jobs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.rnnservice.storage.Store;
import org.springframework.stereotype.Component;

/**
 * The model and datasets a queued or running job uses, held in the store for the job's id so that neither can be
 * deleted from under it, through this replica or any other, until the job ends.
 */
@Component
class JobHolds {

    private final Store store;

    JobHolds(Store store) {
        this.store = store;
    }

    /** Holds the job's model and datasets; false (holding nothing) if any no longer exists. */
    boolean hold(JobRecord r) throws IOException {
        List<Store.Ref> used = new ArrayList<>(List.of(new Store.Ref(Store.Collection.MODELS, r.modelId()),
                new Store.Ref(Store.Collection.DATASETS, r.datasetId())));
        if (r.validationData() != null) {
            used.add(new Store.Ref(Store.Collection.DATASETS, r.validationData()));
        }
        return store.hold(r.id(), used);
    }

    void release(JobRecord r) throws IOException {
        store.release(r.id());
    }
}

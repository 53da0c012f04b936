package org.rnnservice.jobs;

import org.rnnservice.datasets.DatasetService;
import org.rnnservice.models.ModelCatalog;
import org.rnnservice.storage.Store;
import org.rnnservice.storage.UsageTracker;
import org.springframework.stereotype.Component;

/** The model and dataset a queued or running job uses, held so that neither can be deleted from under it. */
@Component
class JobHolds {

    private final UsageTracker usage;
    private final ModelCatalog models;
    private final DatasetService datasets;

    JobHolds(UsageTracker usage, ModelCatalog models, DatasetService datasets) {
        this.usage = usage;
        this.models = models;
        this.datasets = datasets;
    }

    /** Holds the job's model and datasets; false (holding nothing) if any no longer exists. */
    boolean hold(JobRecord r) {
        if (!usage.acquire(Store.Collection.MODELS, r.modelId(), () -> models.exists(r.modelId()))) {
            return false;
        }
        if (!usage.acquire(Store.Collection.DATASETS, r.datasetId(), () -> datasets.exists(r.datasetId()))) {
            usage.release(Store.Collection.MODELS, r.modelId());
            return false;
        }
        String validation = r.validationData();
        if (validation != null
                && !usage.acquire(Store.Collection.DATASETS, validation, () -> datasets.exists(validation))) {
            usage.release(Store.Collection.DATASETS, r.datasetId());
            usage.release(Store.Collection.MODELS, r.modelId());
            return false;
        }
        return true;
    }

    void release(JobRecord r) {
        usage.release(Store.Collection.MODELS, r.modelId());
        usage.release(Store.Collection.DATASETS, r.datasetId());
        if (r.validationData() != null) {
            usage.release(Store.Collection.DATASETS, r.validationData());
        }
    }
}

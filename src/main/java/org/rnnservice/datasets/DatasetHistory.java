package org.rnnservice.datasets;

import java.util.List;

/**
 * Which ended training jobs a dataset's data went into, so that deleting it is confirmed first ({@code force}): a
 * model's versions are reproducible only while their data exists. Implemented where the jobs are.
 */
public interface DatasetHistory {

    /** The ids of the jobs that trained on the dataset, oldest first. */
    List<String> jobsThatUsed(String datasetId);
}

package org.rnnservice.jobs;

import java.util.Comparator;
import java.util.List;
import org.rnnservice.datasets.DatasetHistory;
import org.springframework.stereotype.Component;

/** The jobs, ended or not, that trained on a dataset. */
@Component
class JobDatasetHistory implements DatasetHistory {

    private final JobRecords records;

    JobDatasetHistory(JobRecords records) {
        this.records = records;
    }

    @Override
    public List<String> jobsThatUsed(String datasetId) {
        return records.all().stream().map(TrainingJob::record)
                .filter(r -> r.datasetId().equals(datasetId) || datasetId.equals(r.validationData()))
                .sorted(Comparator.comparing(JobRecord::submittedAt)).map(JobRecord::id).toList();
    }
}

package org.rnnservice.jobs;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** The {@code workerPool} health component: workers, jobs running, jobs queued. */
@Component("workerPool")
class WorkerPoolHealth implements HealthIndicator {

    private final JobService jobs;

    WorkerPoolHealth(JobService jobs) {
        this.jobs = jobs;
    }

    @Override
    public Health health() {
        JobService.PoolStatus s = jobs.status();
        return Health.up().withDetail("workers", s.workers()).withDetail("running", s.running())
                .withDetail("queued", s.queued()).build();
    }
}

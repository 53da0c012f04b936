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

    /** DOWN when the queue cannot be read (its database unreachable): such a replica cannot take or admit jobs. */
    @Override
    public Health health() {
        JobService.PoolStatus s = jobs.status();
        Health.Builder health = s.queued() < 0 ? Health.down().withDetail("queued", "unreadable")
                : Health.up().withDetail("queued", s.queued());
        return health.withDetail("workers", s.workers()).withDetail("running", s.running()).build();
    }
}

package org.rnnservice.storage;

import org.rnnservice.RnnProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code store} health component: which store this replica uses and its id. It is down when the store cannot be
 * read, so a load balancer stops sending requests to a replica that lost its database.
 */
@Component("storeHealthIndicator") // shown as "store" in the health endpoint
class StoreHealth implements HealthIndicator {

    private final Store store;
    private final RnnProperties properties;
    private final String replica;

    StoreHealth(Store store, RnnProperties properties) {
        this.store = store;
        this.properties = properties;
        this.replica = properties.replicaId();
    }

    @Override
    public Health health() {
        Health.Builder h;
        try {
            store.get(Store.Collection.JOBS, "health-probe", Object.class);
            h = Health.up();
        } catch (java.io.IOException | RuntimeException e) {
            h = Health.down().withDetail("error", e.getMessage());
        }
        return h.withDetail("store", properties.store().name().toLowerCase(java.util.Locale.ROOT))
                .withDetail("instance_id", replica).build();
    }
}

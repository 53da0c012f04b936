package org.rnnservice.storage.postgres;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.task.Task;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;
import org.rnnservice.storage.StoreUnavailableException;

/**
 * db-scheduler's table of tasks in the shared database, for the job dispatch of several replicas: a scheduler on it,
 * the tasks of a name not yet picked, and the admission of a new one under a lock, so that two replicas admitting at
 * once cannot both take the last free place of a bounded queue. The SQL stays here, with the rest of the database.
 */
public final class SchedulerTable {

    private final DataSource dataSource;

    SchedulerTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A scheduler of {@code tasks} on this table, to be configured and built by its caller. */
    public SchedulerBuilder scheduler(Task<?>... tasks) {
        return Scheduler.create(dataSource, tasks);
    }

    /** Instances of {@code task} scheduled and not picked by any replica. */
    public int waiting(String task) throws StoreUnavailableException {
        try (Connection c = dataSource.getConnection()) {
            return countWaiting(c, task);
        } catch (SQLException e) {
            throw new StoreUnavailableException("the job queue's database cannot be reached", e);
        }
    }

    private static int countWaiting(Connection c, String task) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM scheduled_tasks WHERE task_name = ? AND NOT picked")) {
            s.setString(1, task);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * Adds instance {@code instance} of {@code task}, due at {@code due}, unless {@code capacity} instances are
     * waiting already; the check and the insert hold the advisory lock {@code lock}, one admission at a time across
     * replicas. Answers whether it was added.
     */
    public boolean admit(String task, String instance, Instant due, int capacity, long lock)
            throws StoreUnavailableException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    s.setLong(1, lock);
                    s.execute();
                }
                if (countWaiting(c, task) >= capacity) {
                    c.rollback();
                    return false;
                }
                // db-scheduler's row for a one-time task without data, as its own schedule() writes it
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO scheduled_tasks (task_name,"
                        + " task_instance, task_data, execution_time, picked, version) VALUES (?, ?, NULL, ?, false, 1)")) {
                    insert.setString(1, task);
                    insert.setString(2, instance);
                    insert.setTimestamp(3, Timestamp.from(due));
                    insert.executeUpdate();
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("the job queue's database cannot be reached", e);
        }
    }
}

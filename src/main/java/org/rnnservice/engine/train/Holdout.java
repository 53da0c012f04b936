package org.rnnservice.engine.train;

/**
 * A chronological hold-out at the end of a dataset, never shuffled into training: the {@code last} samples (a
 * fraction below 1, or a count), or the samples from index {@code from} on, as a forecaster validates and tests on the
 * end of a series.
 */
public record Holdout(Double last, Integer from) {

    /**
     * How many of {@code samples} are held out; {@code name} ({@code validation}, {@code test}) names the setting in
     * refusals: of neither or both of {@code last} and {@code from}, of a {@code last} that is neither a fraction nor
     * a whole number, or of a range that leaves no sample on either side.
     */
    public int count(int samples, String name) {
        if ((last == null) == (from == null)) {
            throw new InvalidFitException(name, name + " needs one of last (a fraction or a count of samples from the"
                    + " end) and from (the index of its first sample)", false);
        }
        if (from != null) {
            return check(samples - (long) from, samples, name + ".from", Integer.toString(from));
        }
        String field = name + ".last";
        if (!(last > 0) || last >= 1 && last != Math.rint(last)) {
            throw new InvalidFitException(field, field + " must be a fraction between 0 and 1 or a whole number of"
                    + " samples, got " + last, false);
        }
        long held = last < 1 ? Math.round(samples * last) : last.longValue();
        return check(held, samples, field, last < 1 ? last.toString() : Long.toString(last.longValue()));
    }

    private static int check(long held, int samples, String field, String given) {
        if (held < 1 || held >= samples) {
            throw new InvalidFitException(field, field + " " + given + " of " + samples + " samples holds out "
                    + Math.max(held, 0) + ": leave at least one sample on each side", true);
        }
        return (int) held;
    }
}

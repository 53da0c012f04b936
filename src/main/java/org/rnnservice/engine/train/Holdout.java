package org.rnnservice.engine.train;

/**
 * A chronological hold-out: the {@code last} samples of a dataset in their order (a fraction below 1, or a count of
 * samples), kept out of training and never shuffled into it, as a forecaster validates and tests on the end of a
 * series.
 */
public record Holdout(Double last) {

    /**
     * How many of {@code samples} are held out; {@code name} ({@code validation}, {@code test}) names the setting in
     * refusals: of a {@code last} that is neither a fraction nor a whole number, or that leaves no sample on either
     * side.
     */
    public int count(int samples, String name) {
        String field = name + ".last";
        if (last == null || !(last > 0) || last >= 1 && last != Math.rint(last)) {
            throw new InvalidFitException(field, field + " must be a fraction between 0 and 1 or a whole number of"
                    + " samples, got " + last, false);
        }
        int held = last < 1 ? (int) Math.round(samples * last) : (int) Math.min(last, Integer.MAX_VALUE);
        if (held < 1 || held >= samples) {
            throw new InvalidFitException(field, field + " " + (last < 1 ? last.toString()
                    : Long.toString(last.longValue())) + " of " + samples + " samples holds out " + held
                    + ": leave at least one sample on each side", true);
        }
        return held;
    }
}

package org.rnnservice.engine.train;

/**
 * A chronological hold-out: the {@code last} samples of a dataset in their order (a fraction below 1, or a count of
 * samples), kept out of training and never shuffled into it, as a forecaster validates on the end of a series.
 */
public record Holdout(Double last) {

    public Holdout {
        if (last == null || !(last > 0) || last >= 1 && last != Math.rint(last)) {
            throw new InvalidFitException("validation.last", "validation.last must be a fraction between 0 and 1 or"
                    + " a whole number of samples, got " + last, false);
        }
    }

    /** How many of {@code samples} are held out; refuses a hold-out that leaves none, or nothing to train on. */
    public int count(int samples) {
        int held = last < 1 ? (int) Math.round(samples * last) : (int) Math.min(last, Integer.MAX_VALUE);
        if (held < 1 || held >= samples) {
            throw new InvalidFitException("validation.last", "validation.last " + (last < 1 ? last.toString()
                    : Long.toString(last.longValue())) + " of " + samples + " samples holds out " + held
                    + ": leave at least one sample for each of training and validation", true);
        }
        return held;
    }
}

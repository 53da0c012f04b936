package org.rnnservice.errors;

/** Counts in the API's messages as a reader says them: "1 time step", "2 time steps". */
public final class Words {

    private Words() {
    }

    /** {@code n} and the noun, in the plural unless {@code n} is 1. */
    public static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}

package org.rnnservice.engine.layers;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * How an unknown name is refused: the name as given, the nearest known one when it is a likely typo
 * ({@code complie} -> {@code compile}), and the known ones.
 */
public final class UnknownName {

    private UnknownName() {
    }

    /** {@code unknown <what> 'given'; did you mean 'x'? known: [..]}. */
    public static String message(String what, String given, Collection<String> known) {
        List<String> sorted = known.stream().sorted().toList();
        String hint = nearest(given, sorted).map(n -> "; did you mean '" + n + "'?").orElse("");
        return "unknown " + what + " '" + given + "'" + hint + " Known: " + sorted;
    }

    /** The known name within a typo's distance of {@code given} (2 edits, or 1 for short names), if any. */
    public static java.util.Optional<String> nearest(String given, Collection<String> known) {
        String g = given.toLowerCase(Locale.ROOT);
        int limit = g.length() <= 4 ? 1 : 2;
        return known.stream().filter(k -> distance(g, k.toLowerCase(Locale.ROOT)) <= limit)
                .min(Comparator.comparingInt(k -> distance(g, k.toLowerCase(Locale.ROOT))));
    }

    /** Damerau-Levenshtein distance (optimal string alignment): a swap of two neighbours is one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}

package org.rnnservice.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The API keys of {@code rnn.security.api-keys} ({@code key} or {@code key:scope}), kept as SHA-256 digests: a
 * presented key is compared with every one in constant time, so neither timing nor memory dumps give a key away.
 */
final class ApiKeys {

    /** What a key may do. */
    enum Scope {
        /** Read and predict. */
        PREDICT,
        /** Everything. */
        ADMIN
    }

    private record Key(byte[] digest, Scope scope) {
    }

    private final List<Key> keys = new ArrayList<>();

    ApiKeys(List<String> configured) {
        for (String entry : configured) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.lastIndexOf(':');
            String key = colon < 0 ? trimmed : trimmed.substring(0, colon);
            Scope scope = colon < 0 ? Scope.ADMIN : scope(trimmed.substring(colon + 1));
            if (key.length() < 16) {
                // the key itself is never echoed: only its position
                throw new IllegalArgumentException("rnn.security.api-keys[" + keys.size() + "] is shorter than 16"
                        + " characters; use a long random key (openssl rand -hex 32)");
            }
            keys.add(new Key(digest(key), scope));
        }
    }

    private static Scope scope(String name) {
        try {
            return Scope.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown scope '" + name + "' in rnn.security.api-keys; expected"
                    + " admin or predict");
        }
    }

    boolean enabled() {
        return !keys.isEmpty();
    }

    /** The scope of a presented key, if it is one of ours; every key is compared, whatever matches. */
    Optional<Scope> scopeOf(String presented) {
        byte[] d = digest(presented);
        Scope found = null;
        for (Key k : keys) {
            if (MessageDigest.isEqual(k.digest(), d) && found == null) {
                found = k.scope();
            }
        }
        return Optional.ofNullable(found);
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}

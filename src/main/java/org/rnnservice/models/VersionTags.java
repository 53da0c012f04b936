package org.rnnservice.models;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * ETags of what a stored weight version determines (its weights, its files), made from the version and the model's
 * definition, so that a {@code 304} costs a lookup, not the building and buffering of the body: a version's weights
 * never change, and a definition's change (a new compile) changes the files.
 */
final class VersionTags {

    private VersionTags() {
    }

    /** The tag of {@code what} ({@code weights}, a file format) of {@code version} (null: the current one). */
    static String of(ModelRecord record, Integer version, String what) {
        if (version != null) {
            record.requireKept(version); // a dropped version has no tag: 404, as its body would be
        }
        CRC32 definition = new CRC32();
        definition.update((record.name() + record.definition()).getBytes(StandardCharsets.UTF_8));
        return "\"" + record.id() + "-v" + (version == null ? record.version() : version) + "-" + what + "-"
                + Long.toHexString(definition.getValue()) + "\"";
    }
}

package org.rnnservice.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Writes an HDF5 file with jHDF (which writes to a path) and returns its bytes, leaving no file behind. */
final class Hdf5Writer {

    private Hdf5Writer() {
    }

    static byte[] write(Consumer<WritableHdfFile> contents) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("rnn-export-", ".h5");
            try (WritableHdfFile file = HdfFile.write(tmp)) {
                contents.accept(file);
            }
            return Files.readAllBytes(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temporary file the OS will clean up
                }
            }
        }
    }

    /**
     * A weight as a {@code float[]} or {@code float[][]} array of its shape, as jHDF writes it; a scalar as an
     * {@code Integer}, since the one scalar weight a layer here has is Normalization's {@code count}, an int32 in
     * Keras.
     */
    static Object shaped(float[] values, int[] shape) {
        return switch (shape.length) {
            case 0 -> Integer.valueOf(Math.round(values[0]));
            case 1 -> values.clone();
            case 2 -> {
                float[][] out = new float[shape[0]][shape[1]];
                for (int r = 0; r < shape[0]; r++) {
                    System.arraycopy(values, r * shape[1], out[r], 0, shape[1]);
                }
                yield out;
            }
            default -> throw new IllegalArgumentException("weights of rank " + shape.length + " are not written");
        };
    }
}

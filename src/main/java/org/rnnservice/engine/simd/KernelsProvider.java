package org.rnnservice.engine.simd;

import java.lang.invoke.MethodHandles;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Chooses the {@link Kernels}: the Vector API implementation when {@code jdk.incubator.vector} is in the boot layer
 * and SIMD is not switched off, else the scalar one; one log line says which. {@link #get} is this JVM's default,
 * from the system properties {@code rnn.simd} ({@code auto} or {@code off}) and {@code rnn.simd.bits}; a service
 * calls {@link #create} with its own settings.
 */
public final class KernelsProvider {

    /** System property that forces the scalar kernels when set to {@code off} (or {@code false}). */
    public static final String SIMD_PROPERTY = "rnn.simd";
    /** System property with the vector width in bits (128, 256, 512; 0 for the machine's preferred one). */
    public static final String BITS_PROPERTY = "rnn.simd.bits";

    private static final Logger LOG = Logger.getLogger(KernelsProvider.class.getName());
    private static volatile Integer requested;

    private KernelsProvider() {
    }

    /** This JVM's default kernels, chosen on first use from the system properties. */
    public static Kernels get() {
        return Holder.INSTANCE;
    }

    /**
     * Kernels for the given settings: {@code mode} {@code auto} or {@code off}, {@code bits} 0 (the preferred width),
     * 128, 256 or 512. The width is fixed once per JVM (see {@code VectorWidth}); asking for another one afterwards
     * is refused.
     */
    public static Kernels create(String mode, int bits) {
        String m = mode == null ? "auto" : mode.trim().toLowerCase(Locale.ROOT);
        if (!m.equals("auto") && !m.equals("off") && !m.equals("false")) {
            throw new IllegalArgumentException("rnn.simd.mode must be auto or off, got '" + mode + "'");
        }
        if (m.equals("off") || m.equals("false")) {
            LOG.info("SIMD kernels: scalar (switched off by rnn.simd.mode=" + mode + ")");
            return scalar();
        }
        requestWidth(bits);
        Optional<Kernels> vector = vector();
        if (vector.isEmpty()) {
            LOG.info("SIMD kernels: scalar (pass --add-modules jdk.incubator.vector to enable the Vector API)");
            return scalar();
        }
        LOG.info("SIMD kernels: " + vector.get().name() + " (Vector API, " + Runtime.version().feature() + " JDK)");
        return vector.get();
    }

    /** The plain-Java kernels, whatever was chosen; for tests and comparisons. */
    public static Kernels scalar() {
        return new ScalarKernels();
    }

    /** The Vector API kernels at this JVM's width, or empty when the module is absent. */
    public static Optional<Kernels> vector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return Optional.empty();
        }
        try {
            // Loaded by name so that the scalar path never links a class that needs the incubator module.
            Class<?> type = MethodHandles.lookup().findClass(KernelsProvider.class.getPackageName() + ".VectorKernels");
            return Optional.of((Kernels) type.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.warning("Vector API kernels could not be loaded (" + e + "); using scalar kernels");
            return Optional.empty();
        }
    }

    /**
     * Asks for a vector width before the vector kernels are first used; refused if this JVM already chose another.
     */
    static synchronized void requestWidth(int bits) {
        if (bits != 0 && bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("rnn.simd.bits must be 0 (the machine's preferred width), 128, 256 or"
                    + " 512, got " + bits);
        }
        Integer chosen = requested;
        if (chosen != null && chosen != bits) {
            throw new IllegalStateException("the vector width of this JVM is already " + describe(chosen)
                    + "; it cannot change to " + describe(bits) + " (the Vector API needs it fixed)");
        }
        requested = bits;
    }

    /** The width asked for, read once by {@code VectorWidth}: the request, else the system property, else 0. */
    static synchronized int requestedBits() {
        if (requested == null) {
            requested = Integer.getInteger(BITS_PROPERTY, 0);
            requestWidth(requested);
        }
        return requested;
    }

    private static String describe(int bits) {
        return bits == 0 ? "the preferred width" : bits + " bits";
    }

    private static Kernels choose() {
        return create(System.getProperty(SIMD_PROPERTY, "auto"), Integer.getInteger(BITS_PROPERTY, 0));
    }

    /** Lazy holder: the choice is made on first use, and class initialization makes it exactly once. */
    private static final class Holder {
        static final Kernels INSTANCE = choose();
    }
}

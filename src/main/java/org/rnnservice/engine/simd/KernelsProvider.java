package org.rnnservice.engine.simd;

import java.lang.invoke.MethodHandles;
import java.util.logging.Logger;

/**
 * Chooses the {@link Kernels} once per JVM: the Vector API implementation when {@code jdk.incubator.vector} is in the
 * boot layer and SIMD is not switched off with {@code -Drnn.simd=off}, else the scalar one. One log line says which.
 */
public final class KernelsProvider {

    /** System property that forces the scalar kernels when set to {@code off} (or {@code false}). */
    public static final String SIMD_PROPERTY = "rnn.simd";

    private static final Logger LOG = Logger.getLogger(KernelsProvider.class.getName());

    private KernelsProvider() {
    }

    /** The kernels chosen for this JVM. */
    public static Kernels get() {
        return Holder.INSTANCE;
    }

    /** The plain-Java kernels, whatever was chosen; for tests and comparisons. */
    public static Kernels scalar() {
        return new ScalarKernels();
    }

    /** The Vector API kernels, or empty when the module is absent. */
    public static java.util.Optional<Kernels> vector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return java.util.Optional.empty();
        }
        try {
            // Loaded by name so that the scalar path never links a class that needs the incubator module.
            Class<?> type = MethodHandles.lookup().findClass(KernelsProvider.class.getPackageName() + ".VectorKernels");
            return java.util.Optional.of((Kernels) type.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.warning("Vector API kernels could not be loaded (" + e + "); using scalar kernels");
            return java.util.Optional.empty();
        }
    }

    private static Kernels choose() {
        String setting = System.getProperty(SIMD_PROPERTY, "auto").trim().toLowerCase(java.util.Locale.ROOT);
        if (setting.equals("off") || setting.equals("false")) {
            LOG.info("SIMD kernels: scalar (switched off by -D" + SIMD_PROPERTY + "=" + setting + ")");
            return scalar();
        }
        java.util.Optional<Kernels> vector = vector();
        if (vector.isEmpty()) {
            LOG.info("SIMD kernels: scalar (pass --add-modules jdk.incubator.vector to enable the Vector API)");
            return scalar();
        }
        LOG.info("SIMD kernels: " + vector.get().name() + " (Vector API, "
                + Runtime.version().feature() + " JDK)");
        return vector.get();
    }

    /** Lazy holder: the choice is made on first use, and class initialization makes it exactly once. */
    private static final class Holder {
        static final Kernels INSTANCE = choose();
    }
}

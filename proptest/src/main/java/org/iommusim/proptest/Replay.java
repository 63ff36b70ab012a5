package org.iommusim.proptest;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The command that reruns one failing property with the seed it failed with: the test class and method
 * are the caller of {@link Props#qt(int)}, the Maven module is the folder its classes were compiled into.
 */
record Replay(String module, String testClass, String method, long seed) {
    static Replay ofCaller(long seed) {
        StackWalker.StackFrame caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.filter(f -> f.getDeclaringClass() != Props.class
                        && f.getDeclaringClass() != Replay.class).findFirst())
                .orElseThrow();
        Class<?> c = caller.getDeclaringClass();
        while (c.getEnclosingClass() != null) {
            c = c.getEnclosingClass();
        }
        return new Replay(moduleOf(c).orElse("<module>"), c.getSimpleName(), testMethod(caller.getMethodName()), seed);
    }

    /** A lambda's synthetic name {@code lambda$NAME$N} stands for the method {@code NAME} it was written in. */
    private static String testMethod(String name) {
        if (name.startsWith("lambda$")) {
            int end = name.lastIndexOf('$');
            return end > 7 ? name.substring(7, end) : name;
        }
        return name;
    }

    /** {@code .../MODULE/target/test-classes} gives {@code MODULE}. */
    private static Optional<String> moduleOf(Class<?> c) {
        try {
            var source = c.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path classes = Path.of(source.getLocation().toURI());
            Path target = classes.getParent();
            if (target == null || target.getParent() == null || !target.getFileName().toString().equals("target")) {
                return Optional.empty();
            }
            return Optional.of(target.getParent().getFileName().toString());
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    String command() {
        return "mvn -B verify -pl " + module + " -am -Dsurefire.failIfNoSpecifiedTests=false -Dtest="
                + testClass + "#" + method + " -D" + Props.SEED + "=" + seed;
    }
}

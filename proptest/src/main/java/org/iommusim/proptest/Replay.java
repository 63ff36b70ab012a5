package org.iommusim.proptest;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The command that reruns one failing property with the seed it failed with: the test class and method
 * are the caller of {@link Props#qt(int)}, the Maven module is the folder its classes were compiled into.
 */
record Replay(String module, String testClass, String method, long seed) {
    static Replay ofCaller(long seed) {
        List<StackWalker.StackFrame> frames = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(s -> s.filter(f -> f.getDeclaringClass() != Props.class && f.getDeclaringClass() != Replay.class)
                        .toList());
        // the test method itself, so that a property written in a helper replays through its test
        StackWalker.StackFrame caller = frames.stream().filter(Replay::isTestMethod).findFirst()
                .orElse(frames.get(0));
        Class<?> c = caller.getDeclaringClass();
        while (c.getEnclosingClass() != null) {
            c = c.getEnclosingClass();
        }
        return new Replay(moduleOf(c).orElse("<module>"), c.getSimpleName(), testMethod(caller.getMethodName()), seed);
    }

    /** A method annotated with an annotation named ...Test (JUnit's, found by name: no dependency on it). */
    private static boolean isTestMethod(StackWalker.StackFrame f) {
        for (Method m : f.getDeclaringClass().getDeclaredMethods()) {
            if (m.getName().equals(f.getMethodName())) {
                for (Annotation a : m.getAnnotations()) {
                    if (a.annotationType().getSimpleName().equals("Test")) {
                        return true;
                    }
                }
            }
        }
        return false;
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

package org.iommusim.proptest;

import java.util.List;

import org.quicktheories.api.AsString;
import org.quicktheories.core.ExceptionReporter;
import org.quicktheories.core.Reporter;

/** QuickTheories' own failure report (seed, shrunk input, cause), followed by the command that replays it. */
final class ReplayReporter implements Reporter {
    private final Reporter plain = new ExceptionReporter();
    private final Replay replay;

    ReplayReporter(Replay replay) {
        this.replay = replay;
    }

    @Override
    public void falisification(long seed, int count, Object smallest, Throwable cause, List<Object> examples,
                               AsString<Object> toString) {
        try {
            plain.falisification(seed, count, smallest, cause, examples, toString);
        } catch (AssertionError e) {
            throw withReplay(e);
        }
    }

    @Override
    public void falisification(long seed, int count, Object smallest, List<Object> examples,
                               AsString<Object> toString) {
        try {
            plain.falisification(seed, count, smallest, examples, toString);
        } catch (AssertionError e) {
            throw withReplay(e);
        }
    }

    @Override
    public void valuesExhausted(int completedExamples) {
        plain.valuesExhausted(completedExamples);
    }

    private AssertionError withReplay(AssertionError e) {
        return new AssertionError(e.getMessage() + System.lineSeparator() + "Replay: " + replay.command());
    }
}

package org.iommusim.core.scenario;

/** The script is malformed at one line: the run stops with exit status 2. */
public final class MalformedScriptException extends Exception {
    public MalformedScriptException(String message) {
        super(message);
    }
}

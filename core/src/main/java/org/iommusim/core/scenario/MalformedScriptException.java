package org.iommusim.core.scenario;

/** The script is malformed at one line: the run stops with exit status 2. */
final class MalformedScriptException extends Exception {
    MalformedScriptException(String message) {
        super(message);
    }
}

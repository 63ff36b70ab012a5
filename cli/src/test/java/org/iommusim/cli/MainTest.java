package org.iommusim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    private Path script(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void helpAndVersionExitZero() {
        assertEquals(0, Main.execute("--help"));
        assertEquals(0, Main.execute("--version"));
        assertEquals(0, Main.execute("run", "--help"));
    }

    @Test
    void runGivesTheWorstExitStatusOfItsScripts() throws IOException {
        Path malformed = script("m.ios", "mem write64 0 0\n");
        Path missing = dir.resolve("does-not-exist.ios");
        assertEquals(2, Main.execute("run", malformed.toString()));
        assertEquals(2, Main.execute("run", missing.toString()), "an unreadable script is malformed");
        assertEquals(2, Main.execute("run", "--json", malformed.toString()));
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertEquals(2, Main.execute("run"));
        assertEquals(2, Main.execute("frobnicate"));
        assertEquals(2, Main.execute("caps", "nosuchkind"));
    }
}

package org.iommusim.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.iommusim.core.scenario.ScenarioRunner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Runs every {@code scenarios/*.ios} front-end script (frontend-format.md): each must pass. */
class FrontEndScenarioTest {
    static Path dir() throws URISyntaxException {
        return Path.of(FrontEndScenarioTest.class.getResource("/scenarios").toURI());
    }

    static Result run(String name, String script) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int rc = new ScenarioRunner(ps, ps, ScenarioRunner.Format.TEXT, false).run(name, script);
        return new Result(rc, out.toString(StandardCharsets.UTF_8));
    }

    record Result(int rc, String output) {
    }

    @TestFactory
    Stream<DynamicTest> everyScriptPasses() throws IOException, URISyntaxException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir())) {
            files = s.filter(p -> p.toString().endsWith(".ios")).sorted().toList();
        }
        assertTrue(files.size() >= 3, "a script per vendor at least");
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            Result r = run(p.toString(), Files.readString(p));
            assertEquals(ScenarioRunner.PASSED, r.rc(), r.output());
        }));
    }

    /** The checks can fail: a wrong address, a wrong errno and a wrong out-field each fail the script. */
    @Test
    void wrongExpectationsFail() throws IOException, URISyntaxException {
        String script = Files.readString(dir().resolve("vtd-type1-nesting.ios"));
        for (String[] change : new String[][] {
                {"expect ok pa=0x100300000", "expect ok pa=0x100205000"},
                {"expect errno=EEXIST", "expect errno=EINVAL"},
                {"cap.nesting.info.features=0x7", "cap.nesting.info.features=0x6"},
                {"expect ok value=1\nioctl VFIO_IOMMU_PASID_REQUEST", "expect ok value=2\nioctl VFIO_IOMMU_PASID_REQUEST"}}) {
            assertTrue(script.contains(change[0]), change[0]);
            Result r = run("changed.ios", script.replace(change[0], change[1]));
            assertEquals(ScenarioRunner.FAILED, r.rc(), change[1]);
        }
    }

    @Test
    void unknownIoctlsFieldsAndConstantsAreMalformed() {
        for (String line : List.of("ioctl VFIO_NO_SUCH_THING container=1",
                "ioctl VFIO_IOMMU_MAP_DMA container=1 nosuchfield=1",
                "ioctl VFIO_IOMMU_MAP_DMA container=1 flags=VFIO_NO_SUCH_FLAG",
                "ioctl VFIO_IOMMU_MAP_DMA iova=0 container=1",
                "ioctl VFIO_IOMMU_PASID_REQUEST container=1 range.min=0x100000000")) {
            Result r = run("bad.ios", "machine vtd\nvfio container\n" + line + "\n");
            assertEquals(ScenarioRunner.MALFORMED, r.rc(), line + ": " + r.output());
            assertFalse(r.output().contains("Exception"), r.output());
        }
    }

    @Test
    void handlesOfTheWrongKindOrThatDoNotExist() {
        Result r = run("handles.ios", """
                machine vtd
                vfio container
                vfio device sid=8
                ioctl VFIO_IOMMU_MAP_DMA container=2 iova=0 size=0x1000
                expect errno=EBADF
                ioctl VFIO_IOMMU_MAP_DMA device=1 iova=0 size=0x1000
                expect errno=ENOTTY
                ioctl IOMMU_IOAS_ALLOC iommufd=1
                expect errno=EBADF
                ioctl VFIO_IOMMU_MAP_DMA container=1 vaddr=0x1000 iova=0 size=0x1000 flags=VFIO_DMA_MAP_FLAG_READ
                expect errno=EINVAL
                vfio device sid=8
                expect errno=EBUSY
                """);
        assertEquals(ScenarioRunner.PASSED, r.rc(), r.output());
    }
}

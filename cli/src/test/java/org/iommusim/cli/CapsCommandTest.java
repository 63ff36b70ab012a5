package org.iommusim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.iommusim.core.host.NestingCapabilities;
import org.iommusim.core.iommu.MachineKinds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The seed's matrix as {@code iommusim caps} computes it: for each configuration (a preset, or register
 * values written to remove one feature), the four answers {pasidRequest, bindGuestPgtbl, bindPasidTable,
 * cacheInvalidate} and the PASID width. Expected values come from the registers' meaning, not from the
 * code: VT-d nests with SMTS+QI+NEST+FSTS+SSTS and needs ECAP.PASID for a PASID space; SMMUv3 takes a guest
 * CD table with S1P+S2P; SMMUv2 binds a stage-1 table with NTS.
 */
class CapsCommandTest {
    static final String VTD_DEFAULT_ECAP = "0x33e99cc40050c7";
    static final String SMMUV3_DEFAULT_IDR0 = "0xd4c769b";

    static Stream<Arguments> configurations() {
        return Stream.of(
                // kind, options, pasidRequest, bindGuestPgtbl, bindPasidTable, cacheInvalidate, pasidBits
                Arguments.of("vtd", Map.of(), true, true, false, true, 20),
                Arguments.of("vtd", Map.of("ecap", hexWithout(VTD_DEFAULT_ECAP, 26)), false, false, false, false, 20),
                Arguments.of("vtd", Map.of("ecap", hexWithout(VTD_DEFAULT_ECAP, 43)), false, false, false, false, 20),
                Arguments.of("vtd", Map.of("ecap", hexWithout(VTD_DEFAULT_ECAP, 40)), false, false, false, false, 0),
                Arguments.of("vtd", Map.of("preset", "qemu"), false, false, false, false, 0),
                Arguments.of("vtd", Map.of("preset", "sapphire-rapids"), false, false, false, false, 0),
                Arguments.of("vtd", Map.of("preset", "granite-rapids"), true, true, false, true, 20),
                Arguments.of("vtd", Map.of("preset", "meteor-lake"), false, false, false, false, 0),
                Arguments.of("vtd", Map.of("preset", "ice-lake-sp"), false, false, false, false, 0),
                Arguments.of("smmuv3", Map.of(), false, false, true, true, 20),
                Arguments.of("smmuv3", Map.of("idr0", hexWithout(SMMUV3_DEFAULT_IDR0, 0)), false, false, false, false, 20),
                Arguments.of("smmuv3", Map.of("idr1", "0x2730010"), false, false, true, true, 0),
                Arguments.of("smmuv3", Map.of("preset", "qemu"), false, false, false, false, 0),
                Arguments.of("smmuv3", Map.of("preset", "qemu-nested"), false, false, true, true, 0),
                Arguments.of("smmuv3", Map.of("preset", "mmu600"), false, false, true, true, 20),
                Arguments.of("smmuv3", Map.of("preset", "intel-npu"), false, false, true, true, 20),
                Arguments.of("smmuv2", Map.of(), false, true, false, true, 0),
                Arguments.of("smmuv2", Map.of("idr0", hexWithout("0x7e011e40", 28)), false, false, false, false, 0),
                Arguments.of("smmuv2", Map.of("preset", "mmu500"), false, true, false, true, 0));
    }

    static String hexWithout(String hex, int bit) {
        return "0x" + Long.toHexString(Long.parseUnsignedLong(hex.substring(2), 16) & ~(1L << bit));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configurations")
    void theMatrixFollowsTheRegisters(String kind, Map<String, String> options, boolean pasidRequest,
                                      boolean bindGuestPgtbl, boolean bindPasidTable, boolean cacheInvalidate,
                                      int pasidBits) throws Exception {
        NestingCapabilities n = CapsCommand.Report.of(MachineKinds.find(kind).orElseThrow(), options).nesting();
        assertEquals(List.of(pasidRequest, bindGuestPgtbl, bindPasidTable, cacheInvalidate),
                List.of(n.pasidRequest(), n.bindGuestPgtbl(), n.bindPasidTable(), n.cacheInvalidate()));
        assertEquals(pasidBits, n.pasidBits());
        assertEquals(n.bindGuestPgtbl() || n.bindPasidTable(), n.cacheInvalidate(), "CACHE_INVALIDATE whenever a bind");
    }

    /** Every preset of every kind is in the table above. */
    @Test
    void everyPresetIsCovered() {
        long rows = configurations().filter(a -> ((Map<?, ?>) a.get()[1]).containsKey("preset")).count();
        long presets = MachineKinds.all().values().stream().mapToLong(k -> k.presets().size() - 1).sum();
        assertEquals(presets, rows, "one row per non-default preset");
    }

    @Test
    void jsonHasTheNormativeKeys() {
        String out = run(0, "caps", "smmuv3", "--json");
        assertTrue(out.startsWith("{\"kind\":\"smmuv3\""), out);
        assertTrue(out.contains("\"nesting\":{\"pasidRequest\":false,\"bindGuestPgtbl\":false,\"bindPasidTable\":true,"
                + "\"cacheInvalidate\":true}"), out);
        assertTrue(out.contains("\"stage1Format\":{\"name\":\"arm-vmsav8-64-stage1\",\"granules\":[\"4K\",\"16K\",\"64K\"]"), out);
        assertEquals(1, out.strip().lines().count());
        String vtd = run(0, "caps", "vtd", "--preset", "qemu", "--json");
        assertTrue(vtd.contains("\"ECAP\":\"0x880000000f42\""), vtd);
        assertTrue(vtd.contains("\"pasidRequest\":false"), vtd);
    }

    @Test
    void textShowsTheMatrixAndBadInputIsExitTwo() {
        String text = run(0, "caps", "vtd");
        assertTrue(text.contains("PASID_REQUEST (system-wide PASID space)          yes"), text);
        assertTrue(text.contains("features=0x7"), text);
        run(2, "caps", "nosuchkind");
        run(2, "caps", "vtd", "--preset", "nosuchpreset");
    }

    /** docs/vfio.md prints the matrix of every preset as the tool prints it. */
    @Test
    void theDocsShowWhatTheToolPrints() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "vfio.md"));
        for (var k : MachineKinds.all().values()) {
            for (String preset : k.presets()) {
                String text = run(0, "caps", k.name(), "--preset", preset);
                String nesting = text.substring(text.indexOf("  nesting (what"));
                assertTrue(doc.contains("$ iommusim caps " + k.name() + " --preset " + preset + "   (the nesting part)\n"
                        + nesting), k.name() + " " + preset + ": docs/vfio.md is out of date");
            }
        }
    }

    static String run(int status, String... args) {
        return Cli.run(status, args)[0];
    }
}

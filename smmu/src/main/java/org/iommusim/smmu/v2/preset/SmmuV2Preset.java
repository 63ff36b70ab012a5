package org.iommusim.smmu.v2.preset;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Named sets of ID register values for {@code machine smmuv2 preset=NAME}.
 *
 * <ul>
 * <li>{@code default}: every feature the model implements. IDR0 0x7E011E40: S1TS, S2TS, NTS, SMS,
 * ATOSNS (no ATOS), PTFS = 2 (no AArch32 formats), NUMIRPT 1, NUMSIDB 15, NUMSMRG 64. IDR1 0x30080010:
 * 4 KiB register pages, NUMPAGENDXB 3 (16 pages per half, context bank n at 0x10000 + n * 0x1000),
 * NUMS2CB 8 (banks 0-7 stage 2 only), NUMCB 16. IDR2 0x0000F555: IAS = OAS = UBS = 48 bits,
 * 4K/16K/64K granules, VMID16S.</li>
 * <li>{@code mmu500}: the Arm CoreLink MMU-500 r2p1 as integrated in the Intel Stratix 10 / Agilex 7
 * HPS, composed from the per-field reset values Intel publishes for the secure aliases SMMU_SIDR0-2
 * (https://intel.com/content/www/us/en/programmable/hps/stratix-10/pyw1505401882910.html,
 * .../stratix-10/acr1505401883749.html, .../agilex/sii1561682759253.html,
 * .../agilex/nlb1561682759973.html for SIDR7): IDR0 0xFC013E40 (SES, S1TS,
 * S2TS, NTS, SMS, ATOSNS, PTFS 0, NUMIRPT 1, BTM, NUMSIDB 15, NUMSMRG 64), IDR1 0x40001F20 (4 KiB pages,
 * NUMPAGENDXB 4, NUMS2CB 0, SSDTP 1, NUMSSDNDXB 15, NUMCB 32), IDR2 0x00005555 (4K and 64K granules, no
 * 16K, 48-bit IAS/OAS/UBS, no 16-bit VMIDs), IDR7 0x21 (r2p1). This model does not implement the AArch32
 * formats that PTFS 0 advertises, nor the Secure state SES advertises.</li>
 * </ul>
 *
 * @param name the preset name
 * @param idr0 IDR0
 * @param idr1 IDR1
 * @param idr2 IDR2
 * @param idr7 IDR7 (MAJOR[7:4], MINOR[3:0])
 */
public record SmmuV2Preset(String name, int idr0, int idr1, int idr2, int idr7) {
    public static final SmmuV2Preset DEFAULT = new SmmuV2Preset("default", 0x7E01_1E40, 0x3008_0010, 0x0000_F555, 0);
    public static final SmmuV2Preset MMU500 = new SmmuV2Preset("mmu500", 0xFC01_3E40, 0x4000_1F20, 0x0000_5555, 0x21);

    public static List<SmmuV2Preset> all() {
        return List.of(DEFAULT, MMU500);
    }

    public static Optional<SmmuV2Preset> find(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return all().stream().filter(p -> p.name.equals(n)).findFirst();
    }
}

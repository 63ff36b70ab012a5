package org.iommusim.core.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TranslationRequestTest {
    @Test
    void theFiveArgumentFormAndTheFactoriesAreUntranslated() {
        assertFalse(new TranslationRequest(1, 2, 0x1000, Access.READ, true).translated());
        assertFalse(TranslationRequest.of(1, 0x1000, Access.READ).translated());
        assertFalse(TranslationRequest.withPasid(1, 2, 0x1000, Access.WRITE).translated());
        assertEquals(new TranslationRequest(1, 2, 0x1000, Access.READ, true, false),
                new TranslationRequest(1, 2, 0x1000, Access.READ, true));
    }

    @Test
    void atIovaKeepsEverythingButTheAddress() {
        TranslationRequest t = new TranslationRequest(5, 9, 0x1000, Access.WRITE, true, true);
        TranslationRequest moved = t.atIova(0x2000);
        assertTrue(moved.translated());
        assertEquals(new TranslationRequest(5, 9, 0x2000, Access.WRITE, true, true), moved);
        assertNotEquals(t.atIova(0x2000), new TranslationRequest(5, 9, 0x2000, Access.WRITE, true),
                "a translated request is not the untranslated one at the same address");
    }
}

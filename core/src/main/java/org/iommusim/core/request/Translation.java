package org.iommusim.core.request;

/** The outcome of one translation: a {@link TranslationResult} or a {@link Fault}. */
public sealed interface Translation permits TranslationResult, Fault {
    boolean ok();
}

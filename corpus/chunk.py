"""Token-aware chunking with exact character offsets.

The embedding model silently truncates input beyond `max_seq_length` word pieces,
so chunks are measured in the model's own tokens, not characters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from langchain_text_splitters import RecursiveCharacterTextSplitter

from corpus.models import Chunk, Document

TokenCounter = Callable[[str], int]

# Paragraphs, then lines, then sentences, then words: split at the coarsest
# boundary that fits, so chunks end on natural breaks.
SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""]


class Chunker:
    """Split documents into overlapping passages no longer than `max_tokens`.

    Args:
        count_tokens: number of model tokens in a text, special tokens included.
        max_tokens: hard ceiling per chunk (the model's max_seq_length).
        target_tokens: size the splitter aims for; below the ceiling so that
            overlap and tokenisation at joins never push a chunk over it.
        overlap_tokens: tokens shared by neighbouring chunks, so a fact that
            straddles a boundary is whole in at least one chunk.
    """

    def __init__(
        self,
        count_tokens: TokenCounter,
        max_tokens: int = 256,
        target_tokens: int = 160,
        overlap_tokens: int = 32,
    ) -> None:
        if not 0 <= overlap_tokens < target_tokens <= max_tokens:
            raise ValueError("need 0 <= overlap_tokens < target_tokens <= max_tokens")
        self.count_tokens = count_tokens
        self.max_tokens = max_tokens
        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=target_tokens,
            chunk_overlap=overlap_tokens,
            length_function=count_tokens,
            separators=SEPARATORS,
            keep_separator="end",
            strip_whitespace=True,
        )

    @classmethod
    def for_tokenizer(cls, tokenizer: object, max_tokens: int, **kwargs: int) -> Chunker:
        """Build a chunker that counts tokens with a Hugging Face tokenizer."""

        def count(text: str) -> int:
            return len(tokenizer(text, add_special_tokens=True)["input_ids"])  # type: ignore[operator]

        return cls(count, max_tokens=max_tokens, **kwargs)

    def chunk(self, document: Document) -> list[Chunk]:
        """Cut one document into chunks whose text is exactly `document.text[start:end]`."""
        chunks: list[Chunk] = []
        for start, end in self._spans(document.text):
            text = document.text[start:end]
            chunks.append(
                Chunk(
                    chunk_id=Chunk.make_id(document.doc_id, start, text),
                    doc_id=document.doc_id,
                    ordinal=len(chunks),
                    start=start,
                    end=end,
                    text=text,
                )
            )
        return chunks

    def chunk_all(self, documents: Iterable[Document]) -> list[Chunk]:
        return [chunk for doc in documents for chunk in self.chunk(doc)]

    def _spans(self, text: str) -> list[tuple[int, int]]:
        """Locate each split piece in the source text, walking forward.

        The splitter returns verbatim substrings (separators are kept, whitespace is
        only stripped at the ends), so each piece starts after the start of the
        previous one and, as a rule, ends after its end: it adds text. Searching from
        the first position that satisfies both matters in repetitive text, where the
        same words also occur inside the previous piece. The exception is a piece that
        is only the overlap, the end of the previous piece again (a table's last row,
        when the paragraph break after it counts tokens of its own): it is dropped.
        """
        spans: list[tuple[int, int]] = []
        cursor, previous_end = 0, 0
        for piece in self._splitter.split_text(text):
            start = text.find(piece, max(cursor, previous_end - len(piece) + 1))
            if start < 0 and text.endswith(piece, cursor, previous_end):
                continue
            if start < 0:
                raise ValueError(f"chunk text not found in document at or after {cursor}")
            end = start + len(piece)
            spans.extend(self._enforce_ceiling(text, start, end))
            cursor, previous_end = start + 1, end
        return spans

    def _enforce_ceiling(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Halve a span at a space until every part fits the model (rarely needed)."""
        if self.count_tokens(text[start:end]) <= self.max_tokens:
            return [(start, end)]
        middle = text.rfind(" ", start, (start + end) // 2 + 1)
        if middle <= start:
            middle = (start + end) // 2
        left_end = middle
        right_start = middle + 1 if text[middle] == " " else middle
        return self._enforce_ceiling(text, start, left_end) + self._enforce_ceiling(
            text, right_start, end
        )

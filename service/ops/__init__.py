"""Operations on the served index: reloads and uploads."""

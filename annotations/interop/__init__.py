"""Other annotation tools' files coming in: readers for each format (`readers`) and
their merge into the store (`imports`). docs/interop.md says what survives each trip."""

# The part of cowsay 6 that ferris-says and its tests use; cowsay ships no type information.
CHARS: dict[str, str]
char_names: list[str]

def get_output_string(char: str, text: str) -> str: ...

#include <catch2/catch.hpp>

#include "mlchain/core/display_text.hpp"

using mlchain::core::escape_text;
using mlchain::core::quote_path;

TEST_CASE("quote_path leaves printable paths alone, UTF-8 included", "[display]") {
  CHECK(quote_path("weights/model.safetensors") == "weights/model.safetensors");
  CHECK(quote_path("with space") == "with space");
  CHECK(quote_path("données/modèle.bin") == "données/modèle.bin");
  CHECK(quote_path("") == "");
}

TEST_CASE("quote_path quotes control characters, quotes and backslashes as git does", "[display]") {
  CHECK(quote_path("evil\x1b[31mname") == "\"evil\\033[31mname\"");
  CHECK(quote_path("two\nlines") == "\"two\\nlines\"");
  CHECK(quote_path("tab\there") == "\"tab\\there\"");
  CHECK(quote_path("del\x7f") == "\"del\\177\"");
  CHECK(quote_path("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(quote_path("back\\slash") == "\"back\\\\slash\"");
  CHECK(quote_path("cr\r") == "\"cr\\r\"");
}

TEST_CASE("quote_path escapes invalid UTF-8, C1 controls and bidirectional overrides byte by byte", "[display]") {
  CHECK(quote_path("bad\xff") == "\"bad\\377\"");
  CHECK(quote_path("cut\xc3") == "\"cut\\303\"");
  CHECK(quote_path("overlong\xc0\xaf") == "\"overlong\\300\\257\"");
  CHECK(quote_path("surrogate\xed\xa0\x80") == "\"surrogate\\355\\240\\200\"");
  CHECK(quote_path("csi\xc2\x9b"
                   "31m") == "\"csi\\302\\23331m\"");
  CHECK(quote_path("exe.\xe2\x80\xaetxt") == "\"exe.\\342\\200\\256txt\"");
}

TEST_CASE("escape_text escapes controls in free text, keeping tabs, backslashes and, when asked, newlines",
          "[display]") {
  CHECK(escape_text("plain message, ünïcode") == "plain message, ünïcode");
  CHECK(escape_text("red \x1b[31malert\x1b[0m") == "red \\033[31malert\\033[0m");
  CHECK(escape_text("line one\nline two") == "line one\\nline two");
  CHECK(escape_text("line one\nline two", true) == "line one\nline two");
  CHECK(escape_text("a\tb\\c") == "a\tb\\c");
  CHECK(escape_text("over\rwrite", true) == "over\\rwrite");
  CHECK(escape_text("bell\a\x01") == "bell\\a\\001");
  CHECK(escape_text("bad\xfe") == "bad\\376");
}

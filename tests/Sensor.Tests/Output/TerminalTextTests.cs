using System.Text;
using Sensor.Core.Output;

namespace Sensor.Tests.Output;

public class TerminalTextTests
{
    [Theory]
    [InlineData("plain text, unchanged", "plain text, unchanged")]
    [InlineData("a\u001b[2Jb", "a\\x1b[2Jb")]
    [InlineData("csi\u009b31m", "csi\\x9b31m")]
    [InlineData("nel\u0085del\u007f", "nel\\x85del\\x7f")]
    [InlineData("two\nlines\r", "two\\x0alines\\x0d")]
    [InlineData("tab\there", "tab\\x09here")]
    [InlineData("é ü 漢字 \u00a0", "é ü 漢字 \u00a0")]
    public void EscapesEveryC0AndC1ControlAndDel_AndNothingElse(string text, string expected) =>
        Assert.Equal(expected, TerminalText.Escape(text));

    [Fact]
    public void TextWithoutControlsIsTheSameString()
    {
        var text = "mail.example.test ESMTP";
        Assert.Same(text, TerminalText.Escape(text));
    }

    [Fact]
    public void DecodesValidUtf8_AndEscapesInvalidBytesAndControls()
    {
        byte[] bytes = [.. "220 mail.é.test "u8, 0x9b, .. "31m "u8, 0xc2, 0x9b, (byte)' ', 0x1b, .. "[2J "u8, 0xff, 0xc3, (byte)'!', .. " 漢"u8];
        Assert.Equal("220 mail.é.test \\x9b31m \\x9b \\x1b[2J \\xff\\xc3! 漢", TerminalText.Decode(bytes));
    }

    [Fact]
    public void DecodesPrintableAsciiAsItIs() =>
        Assert.Equal("250 8BITMIME", TerminalText.Decode(Encoding.ASCII.GetBytes("250 8BITMIME")));
}

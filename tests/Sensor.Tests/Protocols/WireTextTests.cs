using System.Text;
using Sensor.Core.Protocols;
using Ascii = Sensor.Core.Protocols.Text.Ascii;

namespace Sensor.Tests.Protocols;

public class WireTextTests
{
    [Theory]
    [InlineData("", 200, "")]
    [InlineData("EHLO mx.example.net", 200, "EHLO mx.example.net")]
    [InlineData("exactly10!", 10, "exactly10!")]
    [InlineData("eleven char", 10, "eleven cha…")]
    [InlineData("back\\slash", 200, "back\\\\slash")]
    [InlineData("tab\there\u007f", 200, "tab\\x09here\\x7f")]
    [InlineData("ten chars!\u0001", 10, "ten chars!…")]
    [InlineData("nine char\u0001x", 10, "nine char\\x01…")]
    [InlineData("a\\b\tc", 200, "a\\\\b\\x09c")]
    public void Escape_keeps_plain_ascii_and_escapes_the_rest(string wire, int maxChars, string expected) =>
        Assert.Equal(expected, WireText.Escape(Encoding.Latin1.GetBytes(wire), maxChars));

    [Fact]
    public void Escape_of_high_bytes_and_over_long_input()
    {
        Assert.Equal("café", WireText.Escape("café"u8)); // UTF-8 kept where valid
        Assert.Equal("caf\\xe9 \\x9b31m \\x85", WireText.Escape([.. "caf"u8, 0xE9, .. " "u8, 0x9B, .. "31m "u8, 0xC2, 0x85]));
        Assert.Equal(new string('a', 200) + "…", WireText.Escape(Encoding.ASCII.GetBytes(new string('a', 201))));
        Assert.Equal(new string('a', 200) + "…", WireText.Escape(Encoding.ASCII.GetBytes(new string('a', 200) + "\u0001")));
        Assert.Equal("mail \U0001F4E7 ok", WireText.Escape(Encoding.UTF8.GetBytes("mail \U0001F4E7 ok"))); // a rune outside the BMP, both halves
    }

    [Theory]
    [InlineData("ehlo", 32, "EHLO")]
    [InlineData("x-Verb\u0001\u00ff", 32, "X-VERB??")]
    [InlineData("authenticate", 4, "AUTH")]
    [InlineData("", 32, "")]
    public void Upper_upper_cases_printable_and_masks_the_rest(string token, int maxChars, string expected) =>
        Assert.Equal(expected, Ascii.Upper(Encoding.Latin1.GetBytes(token), maxChars));
}

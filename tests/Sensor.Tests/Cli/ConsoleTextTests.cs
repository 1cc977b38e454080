using Sensor.Cli.Presentation;

namespace Sensor.Tests.Cli;

public class ConsoleTextTests
{
    [Theory]
    [InlineData("Ünïcødé-Pä55\\x", "Ünïcødé-Pä55\\x")]
    [InlineData("a\u001b[31mred\r\n", "a\\x1b[31mred\\x0d\\x0a")]
    [InlineData("x\u0085y", "x\\x85y")]
    public void Control_characters_are_escaped_and_letters_are_not(string text, string printed) =>
        Assert.Equal(printed, ConsoleText.Printable(text));
}

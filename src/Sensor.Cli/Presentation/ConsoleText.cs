using System.Text;

namespace Sensor.Cli.Presentation;

/// <summary>
/// Wire text for a terminal: records carry user names and secrets exactly as sent, so a control
/// character (an escape sequence, a carriage return) would act on the terminal; it is shown as \xNN
/// (\uNNNN past Latin-1) instead. Everything else, non-ASCII letters included, is printed as it is.
/// </summary>
public static class ConsoleText
{
    public static string Printable(string text)
    {
        if (!text.Any(char.IsControl))
            return text;
        var printable = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (!char.IsControl(c))
                printable.Append(c);
            else if (c <= 0xff)
                printable.Append($"\\x{(int)c:x2}");
            else
                printable.Append($"\\u{(int)c:x4}");
        }
        return printable.ToString();
    }
}

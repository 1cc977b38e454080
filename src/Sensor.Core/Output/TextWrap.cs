using System.Text;

namespace Sensor.Core.Output;

/// <summary>
/// Word wrapping for the console: a line breaks only at a space, never inside a word (a terminal
/// that wraps by itself cuts "STARTTLS" into "STARTTL" and "S"); a word longer than the line (a
/// hash, an address) stands alone on its line, whole. Continuation lines get a hanging indent.
/// </summary>
public static class TextWrap
{
    /// <summary>The narrowest width wrapped to: below it, the indents would leave no room.</summary>
    public const int MinWidth = 40;

    /// <param name="text">one paragraph (line breaks in it are treated as spaces)</param>
    /// <param name="width">columns available</param>
    /// <param name="first">what starts the first line (an indent, a symbol)</param>
    /// <param name="hanging">what starts every following line</param>
    public static IEnumerable<string> Wrap(string text, int width, string first = "", string hanging = "")
    {
        width = Math.Max(width, MinWidth);
        var line = new StringBuilder(first);
        var words = 0;
        foreach (var word in text.Split([' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (words > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear().Append(hanging);
                words = 0;
            }
            if (words > 0)
                line.Append(' ');
            line.Append(word);
            words++;
        }
        yield return line.ToString();
    }
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>A validated user rule, ready to match without allocating.</summary>
internal sealed class CompiledRule
{
    // A rule's regex must never stall a request: past this, the rule simply does not match.
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(50);

    private readonly Regex? _path;
    private readonly string? _httpMethod;
    private readonly string? _model;
    private readonly string? _method;
    private readonly string? _actionId;

    private CompiledRule(Regex? path, string? httpMethod, string? model, string? method, string? actionId, Operation operation)
    {
        _path = path;
        _httpMethod = httpMethod;
        _model = model;
        _method = method;
        _actionId = actionId;
        Operation = operation;
    }

    public Operation Operation { get; }

    /// <summary>True when the rule can only be decided once the body has been read.</summary>
    public bool NeedsFacts => _model is not null || _method is not null || _actionId is not null;

    /// <summary>The fact kind this rule's criteria refer to.</summary>
    public FactKind Facts => _actionId is not null ? FactKind.Action : NeedsFacts ? FactKind.Pair : FactKind.None;

    /// <summary>True for a rule with no criteria at all: it only sets a threshold.</summary>
    public bool ThresholdOnly => _path is null && _httpMethod is null && !NeedsFacts;

    public static CompiledRule Compile(int index, ClassificationRule rule, Operation operation)
    {
        if (rule.Path is not null && rule.PathRegex is not null)
        {
            throw new ClassificationRuleException(index, rule.Name, "set Path (a glob) or PathRegex, not both.");
        }

        if (rule.ActionId is not null && (rule.Model is not null || rule.Method is not null))
        {
            throw new ClassificationRuleException(index, rule.Name, "ActionId cannot be combined with Model or Method: a server action has neither.");
        }

        Check(index, rule, "HttpMethod", rule.HttpMethod, static c => char.IsAsciiLetter(c));
        Check(index, rule, "Model", rule.Model, IsNameChar);
        Check(index, rule, "Method", rule.Method, IsNameChar);
        Check(index, rule, "ActionId", rule.ActionId, IsNameChar);

        Regex? path = null;
        if (rule.Path is not null)
        {
            if (rule.Path.Length == 0)
            {
                throw new ClassificationRuleException(index, rule.Name, "Path is empty.");
            }

            path = Build(index, rule, "^" + GlobToRegex(rule.Path) + "$");
        }
        else if (rule.PathRegex is not null)
        {
            if (rule.PathRegex.Length == 0)
            {
                throw new ClassificationRuleException(index, rule.Name, "PathRegex is empty.");
            }

            path = Build(index, rule, rule.PathRegex);
        }

        return new CompiledRule(path, rule.HttpMethod, rule.Model, rule.Method, rule.ActionId, operation);
    }

    /// <summary>Matches the rule's path and HTTP method criteria and, when it has fact criteria, the facts.</summary>
    public bool Matches(ReadOnlySpan<char> httpMethod, ReadOnlySpan<char> path, FactKind kind, ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        if (ThresholdOnly)
        {
            return false;
        }

        var facts = Facts;
        if (facts != FactKind.None && facts != kind)
        {
            return false;
        }

        if (facts == FactKind.Pair
            && ((_model is not null && !first.SequenceEqual(_model)) || (_method is not null && !second.SequenceEqual(_method))))
        {
            return false;
        }

        if (facts == FactKind.Action && !first.SequenceEqual(_actionId))
        {
            return false;
        }

        return MatchesRequest(httpMethod, path);
    }

    /// <summary>Matches only the path and HTTP method criteria.</summary>
    public bool MatchesRequest(ReadOnlySpan<char> httpMethod, ReadOnlySpan<char> path)
    {
        if (_httpMethod is not null && !httpMethod.Equals(_httpMethod, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (_path is null)
        {
            return true;
        }

        try
        {
            return _path.IsMatch(path);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    internal static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.';

    private static void Check(int index, ClassificationRule rule, string field, string? value, Func<char, bool> allowed)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length == 0 || value.Length > RequestClassifier.MaxNameLength || !value.All(allowed))
        {
            throw new ClassificationRuleException(index, rule.Name,
                $"{field} '{value}' is not valid: 1 to {RequestClassifier.MaxNameLength} letters, digits, '_' or '.'.");
        }
    }

    private static Regex Build(int index, ClassificationRule rule, string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, RegexTimeout);
        }
        catch (ArgumentException e)
        {
            throw new ClassificationRuleException(index, rule.Name, $"path pattern does not compile: {e.Message}", e);
        }
    }

    private static string GlobToRegex(string glob)
    {
        var regex = new StringBuilder(glob.Length * 2);
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                i++;
                // "/**" also matches the directory itself, as in most glob dialects.
                if (regex.Length > 0 && regex[^1] == '/' && i == glob.Length - 1)
                {
                    regex.Length--;
                    regex.Append("(/.*)?");
                }
                else
                {
                    regex.Append(".*");
                }
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString(CultureInfo.InvariantCulture)));
            }
        }

        return regex.ToString();
    }
}

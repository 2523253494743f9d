namespace Rostra.Core.Tests;

/// <summary>The user about to be created, and the one rule of its password: the plaintext is never printed.</summary>
public sealed class NewUserTests
{
    [Fact]
    public void Printing_a_user_never_prints_a_plain_password()
    {
        var user = new NewUser("lincoln", "ann.lee", "Ann", "Lee", null, [Roles.Student], null, ["1001"], [], new Secret.Plain("Secret#12"), 2);

        Assert.DoesNotContain("Secret#12", user.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Secret#12", user.Password!.ToString(), StringComparison.Ordinal);
        Assert.Contains("ann.lee", user.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Passwords_of_one_form_are_equal_by_value_and_never_equal_across_forms()
    {
        Assert.Equal(new Secret.Plain("x"), new Secret.Plain("x"));
        Assert.NotEqual<Secret>(new Secret.Plain("x"), new Secret.Protected("x"));
        Assert.NotEqual<Secret>(new Secret.Protected("x"), new Secret.Hash("x"));
    }
}

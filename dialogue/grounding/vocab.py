"""Word lists for the grounding check: words that name options (must come from the catalog),
and everyday phrasing words a host may add around the facts."""

from __future__ import annotations

COLOR_WORDS = frozenset(
    ["black", "white", "grey", "gray", "navy", "blue", "red", "green", "yellow", "orange", "purple", "pink", "brown", "beige", "cream", "ivory", "tan", "khaki", "olive", "teal", "turquoise", "maroon", "burgundy", "gold", "silver", "charcoal", "sage", "sand", "oat", "slate", "natural", "lavender", "lilac", "mint", "coral", "rose", "peach", "indigo", "violet", "cyan", "magenta", "crimson"]
)
SIZE_WORDS = frozenset(["xs", "xl", "xxl", "xxxl", "s/m", "l/xl", "small", "medium", "large", "extra-large", "petite", "plus-size"])

number_words: dict[str, int] = {
    w: i
    for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
    )
}
number_words.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                     "ninety": 90, "hundred": 100, "thousand": 1000, "dozen": 12, "half": 0})
number_words.pop("one")  # "this one", "one of": too common as a pronoun to count as a claim
number_words.pop("half")

# Function words and friendly, claim-free phrasing. Anything else must come from the catalog facts.
PHRASING_WORDS = frozenset(
    ["a", "an", "the", "and", "or", "but", "so", "if", "then", "than", "that", "this", "these", "those", "it", "its", "it's", "is", "are", "was", "were", "be", "been", "being", "am", "i", "i'm", "i'll", "i've", "me", "my", "we", "we're", "we've", "we'll", "our", "ours", "us", "you", "you're", "you'll", "your", "yours", "he", "she", "they", "them", "their", "there", "here", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "all", "any", "both", "each", "few", "more", "some", "such", "no", "not", "only", "own", "same", "too", "very", "can", "will", "just", "don't", "do", "does", "did", "doing", "have", "has", "had", "having", "would", "could", "should", "may", "might", "must", "shall", "of", "at", "by", "for", "with", "about", "against", "between", "into", "through", "during", "before", "after", "above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over", "under", "again", "further", "once", "also", "as", "well", "too", "yet", "still", "now", "today", "tonight", "right", "hi", "hello", "hey", "welcome", "thanks", "thank", "glad", "happy", "help", "helping", "sure", "yes", "yep", "okay", "ok", "great", "good", "nice", "lovely", "love", "like", "let", "let's", "check", "ask", "asking", "asked", "question", "questions", "answer", "please", "feel", "free", "anytime", "anything", "something", "everything", "one", "ones", "get", "got", "find", "take", "pick", "choose", "option", "options", "available", "comes", "come", "price", "priced", "costs", "cost", "just", "only", "each", "per", "item", "items", "product", "products", "shop", "store", "stream", "live", "host", "order", "ordering", "buy", "list", "below", "above", "card", "cart", "checkout", "page", "link", "tap", "click", "see", "look", "looks", "keep", "right", "now", "currently", "at", "the", "moment", "stock", "left", "have", "having", "in-stock", "sold", "restocked", "back", "soon", "color", "colors", "colour", "colours", "size", "sizes", "fit", "fits", "made", "make", "makes", "with", "it's", "that's", "there's", "here's", "dollars", "dollar", "cents", "cent", "usd", "yuan", "rmb", "pack", "packs", "pair", "pairs", "piece", "pieces", "set", "day", "days", "business", "week", "weeks", "hour", "hours", "minute", "minutes", "yours", "truly", "indeed", "absolutely-not", "awesome", "cool", "choice", "pick", "picks"]
)

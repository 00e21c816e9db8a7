"""Word lists for the demo catalogue (``seed_demo``), with Danish translations.

A leaf category is ``"English plural|English singular|Danish singular|variant kind"``: its
products are named after it, so "Women > Shoes > Boots" holds boots.
"""

from __future__ import annotations

# fmt: off
TAXONOMY: list[tuple[str, list[tuple[str, list[str]]]]] = [
    ("Women", [
        ("Clothing", ["Dresses|Dress|Kjole|size", "Sweaters|Sweater|Sweater|size",
                      "T-Shirts|T-Shirt|T-shirt|size", "Jeans|Jeans|Jeans|size"]),
        ("Shoes", ["Sneakers|Sneakers|Sneakers|shoe", "Boots|Boots|Støvler|shoe",
                   "Sandals|Sandals|Sandaler|shoe", "Heels|Heels|Stiletter|shoe"]),
        ("Accessories", ["Scarves|Scarf|Halstørklæde|color", "Bags|Bag|Taske|color",
                         "Watches|Watch|Ur|color", "Caps|Cap|Kasket|color"]),
    ]),
    ("Men", [
        ("Clothing", ["Shirts|Shirt|Skjorte|size", "Hoodies|Hoodie|Hættetrøje|size",
                      "Polo Shirts|Polo Shirt|Polo|size", "Chinos|Chinos|Chinos|size"]),
        ("Shoes", ["Trainers|Trainers|Sneakers|shoe",
                   "Chelsea Boots|Chelsea Boots|Chelsea-støvler|shoe",
                   "Loafers|Loafers|Loafers|shoe", "Slippers|Slippers|Hjemmesko|shoe"]),
        ("Accessories", ["Belts|Belt|Bælte|size", "Wallets|Wallet|Pung|color",
                         "Sunglasses|Sunglasses|Solbriller|color", "Beanies|Beanie|Hue|color"]),
    ]),
    ("Home", [
        ("Kitchen", ["Mugs|Mug|Krus|color", "Plates|Plate|Tallerken|color",
                     "Knives|Knife|Kniv|color", "Pans|Pan|Pande|color"]),
        ("Living Room", ["Lamps|Lamp|Lampe|color", "Cushions|Cushion|Pude|color",
                         "Blankets|Blanket|Plaid|color", "Vases|Vase|Vase|color"]),
        ("Furniture", ["Chairs|Chair|Stol|color", "Tables|Table|Bord|color",
                       "Shelves|Shelf|Reol|color", "Stools|Stool|Skammel|color"]),
    ]),
    ("Outdoor", [
        ("Hiking", ["Backpacks|Backpack|Rygsæk|color", "Rain Jackets|Rain Jacket|Regnjakke|size",
                    "Water Bottles|Water Bottle|Drikkedunk|color", "Tents|Tent|Telt|color"]),
        ("Cycling", ["Helmets|Helmet|Hjelm|size", "Gloves|Gloves|Handsker|size",
                     "Bike Lights|Bike Light|Cykellygte|color", "Jerseys|Jersey|Cykeltrøje|size"]),
        ("Running", ["Running Shoes|Running Shoes|Løbesko|shoe", "Shorts|Shorts|Shorts|size",
                     "Headphones|Headphones|Høretelefoner|color", "Socks|Socks|Strømper|size"]),
    ]),
    ("Beauty", [
        ("Skincare", ["Creams|Cream|Creme|volume", "Serums|Serum|Serum|volume",
                      "Cleansers|Cleanser|Rensegel|volume", "Masks|Mask|Maske|volume"]),
        ("Hair", ["Shampoos|Shampoo|Shampoo|volume", "Brushes|Brush|Børste|color",
                  "Hair Oils|Hair Oil|Hårolie|volume", "Combs|Comb|Kam|color"]),
    ]),
    ("Kids", [
        ("Toys", ["Puzzles|Puzzle|Puslespil|color", "Plush Toys|Plush Toy|Bamse|color",
                  "Building Blocks|Building Blocks|Byggeklodser|color"]),
        ("Kids' Clothing", ["Onesies|Onesie|Heldragt|size", "Rain Suits|Rain Suit|Regnsæt|size"]),
    ]),
]

ADJECTIVES = [
    ("Classic", "Klassisk"), ("Modern", "Moderne"), ("Vintage", "Vintage"), ("Slim", "Smal"),
    ("Cozy", "Hyggelig"), ("Lightweight", "Let"), ("Premium", "Premium"), ("Essential", "Basis"),
    ("Urban", "Urban"), ("Nordic", "Nordisk"), ("Soft", "Blød"), ("Rugged", "Robust"),
    ("Elegant", "Elegant"), ("Sporty", "Sporty"), ("Compact", "Kompakt"), ("Everyday", "Hverdags"),
]
MATERIALS: dict[str, list[tuple[str, str]]] = {
    "size": [("Cotton", "bomulds"), ("Wool", "uld"), ("Linen", "hør"), ("Denim", "denim"),
             ("Merino", "merino"), ("Recycled", "genbrugs"), ("Organic", "økologisk ")],
    "shoe": [("Leather", "læder"), ("Suede", "ruskinds"), ("Canvas", "lærreds"),
             ("Recycled", "genbrugs"), ("Vegan", "vegansk ")],
    "color": [("Oak", "ege"), ("Steel", "stål"), ("Bamboo", "bambus"), ("Ceramic", "keramik"),
              ("Leather", "læder"), ("Glass", "glas"), ("Recycled", "genbrugs")],
    "volume": [("Organic", "økologisk "), ("Natural", "naturlig "), ("Vegan", "vegansk "),
               ("Hydrating", "fugtgivende "), ("Gentle", "mild ")],
}
"""Material per variant kind. The Danish form is a compound prefix ("uld" + "sweater"), or
an adjective when it ends with a space."""
# fmt: on
COLORS = [
    ("Black", "BLK"),
    ("White", "WHT"),
    ("Navy", "NVY"),
    ("Grey", "GRY"),
    ("Red", "RED"),
    ("Green", "GRN"),
    ("Sand", "SND"),
]
SIZES = ["XS", "S", "M", "L", "XL", "XXL"]
SHOE_SIZES = [str(size) for size in range(36, 47)]
VOLUMES = ["30 ml", "50 ml", "100 ml", "200 ml"]
VOLUME_PRICE_FACTORS = [1.0, 1.5, 2.6, 4.5]

BRAND_PREFIXES = ["Nord", "Hav", "Fjord", "Birk", "Lys", "Sol", "Skov", "Ask", "Vind", "Sand"]
BRAND_SUFFIXES = ["line", "wear", "form", "craft", "studio"]

FEATURES = [
    "Made to last, season after season.",
    "Designed in Copenhagen and produced responsibly.",
    "Easy to care for and machine washable where the label says so.",
    "A favourite among our customers for its fit and finish.",
    "Pairs well with the rest of the collection.",
    "Carefully selected materials with a soft, natural feel.",
    "Backed by our two-year warranty.",
    "Free returns within 30 days.",
]
FEATURES_DA = [
    "Lavet til at holde sæson efter sæson.",
    "Designet i København og produceret ansvarligt.",
    "Nem at vedligeholde.",
    "En favorit blandt vores kunder.",
    "Passer perfekt til resten af kollektionen.",
    "Gratis returnering inden for 30 dage.",
]

FIRST_NAMES = [
    "Anna",
    "Mette",
    "Sofie",
    "Ida",
    "Emma",
    "Laura",
    "Freja",
    "Clara",
    "Maja",
    "Julie",
    "Lars",
    "Jens",
    "Peter",
    "Mikkel",
    "Rasmus",
    "Søren",
    "Anders",
    "Mads",
    "Oliver",
    "Noah",
]
LAST_NAMES = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Poulsen",
]

CMS_PAGES = [
    "About us",
    "Contact",
    "Shipping and delivery",
    "Returns and refunds",
    "Privacy policy",
    "Terms and conditions",
    "Frequently asked questions",
    "Size guide",
    "Gift cards",
    "Careers",
    "Our stores",
    "Sustainability",
]
BLOG_TITLES = [
    "{n} ways to style your {noun}",
    "How to care for {material} products",
    "Behind the brand: {brand}",
    "Our {season} favourites",
    "The {adjective} {noun}: a buyer's guide",
    "What's new in {category}",
]
SEASONS = ["spring", "summer", "autumn", "winter"]
SENTENCES = [
    "We asked our team which pieces they reach for again and again.",
    "Good materials make all the difference, and they are easier to care for than you think.",
    "Here is what to look for before you buy.",
    "A few simple habits keep your favourites looking new for years.",
    "This season is all about comfort without compromising on style.",
    "Our designers share the stories behind the collection.",
    "Mix and match to make the most of what you already own.",
    "Quality over quantity is more than a slogan for us.",
    "Every product is tested in real Nordic weather before it reaches our shelves.",
    "Visit one of our stores for personal advice, or write to our customer service.",
]

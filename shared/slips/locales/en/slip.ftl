# Packing slip labels, English (the fallback for every other language).
slip-title = Packing slip
order = Order
placed-on = Placed on
ship-to = Ship to
items = Items
qty = Qty
sku = SKU
item-count = { $count ->
    [one] { $count } item
   *[other] { $count } items
}
add-to-parcel = Add to this parcel
box = Box: { $box }
gift-wrap = Gift wrap
kind-welcome_card = Welcome card
kind-thank_you_card = Thank-you card
kind-welcome_back = Welcome-back card
kind-how_to_guide = How-to guide
kind-sample = Sample
kind-review_request = Review request
kind-referral_card = Referral card
kind-apology_card = Apology card
kind-gift = Gift
kind-flyer = Flyer
coupon-heading = Your coupon
coupon-percent = { $percent } % off your next order
coupon-amount = { $amount } off your next order
coupon-free-shipping = Free shipping on your next order
valid-until = valid until { $date }
min-spend = min. spend { $amount }
message-heading = A note for you
recs-heading = You might also like
rec-co-purchase = Goes well with { $item }
rec-history = Popular with buyers of { $item }
rec-category = A favourite in { $item }
rec-popular = A customer favourite
returns-heading = Returns
page-of = Page { $page } of { $pages }

# Wave pick lists, for the warehouse.
pick-title = Pick list
pick-centre = Fulfillment centre { $centre }
pick-wave = Wave of { $date }, { $start }–{ $end } UTC
pick-orders = Orders: { $orders }
pick-units = Units
pick-totals = Inserts to pull
pick-name = Name
pick-manifest = Orders with something to pull
pick-time = Time
pick-inserts = Inserts
pick-coupon = Coupon
pick-deleted-insert = (deleted insert)
pick-nothing = Nothing to pull in this wave.

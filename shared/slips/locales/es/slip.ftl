# Etiquetas del albarán, español.
slip-title = Albarán
order = Pedido
placed-on = Realizado el
ship-to = Enviar a
items = Artículos
qty = Cant.
sku = Ref.
item-count = { $count ->
    [one] { $count } artículo
   *[other] { $count } artículos
}
add-to-parcel = Añadir a este paquete
box = Caja: { $box }
gift-wrap = Envoltorio de regalo
kind-welcome_card = Tarjeta de bienvenida
kind-thank_you_card = Tarjeta de agradecimiento
kind-welcome_back = Tarjeta de bienvenida de vuelta
kind-how_to_guide = Guía de uso
kind-sample = Muestra
kind-review_request = Solicitud de reseña
kind-referral_card = Tarjeta de recomendación
kind-apology_card = Tarjeta de disculpa
kind-gift = Regalo
kind-flyer = Folleto
coupon-heading = Tu cupón
coupon-percent = { $percent } % de descuento en tu próximo pedido
coupon-amount = { $amount } de descuento en tu próximo pedido
coupon-free-shipping = Envío gratis en tu próximo pedido
valid-until = válido hasta el { $date }
min-spend = compra mínima { $amount }
message-heading = Una nota para ti
recs-heading = También te puede gustar
rec-co-purchase = Combina con { $item }
rec-history = Popular entre quienes compraron { $item }
rec-category = Un favorito en { $item }
rec-popular = Un favorito de nuestros clientes
returns-heading = Devoluciones
page-of = Página { $page } de { $pages }

# Listas de preparación por oleada, para el almacén.
pick-title = Lista de preparación
pick-centre = Centro logístico { $centre }
pick-wave = Oleada del { $date }, { $start }–{ $end } UTC
pick-orders = Pedidos: { $orders }
pick-units = Unidades
pick-totals = Insertos a recoger
pick-name = Nombre
pick-manifest = Pedidos con insertos
pick-time = Hora
pick-inserts = Insertos
pick-coupon = Cupón
pick-deleted-insert = (inserto eliminado)
pick-nothing = Nada que recoger en esta oleada.

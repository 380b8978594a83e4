Feature: soak seed 5 replayed

  Written by the soak's feature writer from every event of `convsms soak --seed 5 --conversations 20 --messages 100 --agents 3 --faults none`
  (cli/src/soak/feature.rs, test `the_writer_reproduces_the_committed_replay`): each event
  kind as catalogue steps, run by `convsms check` like any feature. Regenerate it with
  CONVSMS_WRITE_SOAK_FIXTURE=1 cargo test -p convsms-cli --bin convsms the_writer_reproduces

  @soak
  Scenario: seed 5 replayed
    Given the virtual agent answers with the built-in topics
    Given the Conversational SMS provider numbers "+14156275331" and "+14159645185" and "+14155474738" and "+14153769932"
    Given a sys_user "Adolph Dach 1" with mobile phone "+16047432404" located in "CA"
    Given a consumer "Shannon Cruickshank 2" with mobile phone "+819078396708" located in "JP"
    Given a sys_user "Bernice Oberbrunner 5" with mobile phone "+61466144353" located in "AU"
    Given a sys_user "Timmy McCullough 8" with mobile phone "+31656382277" located in "NL"
    Given a consumer "Ross Moen 9" with mobile phone "+393177524599" located in "IT"
    Given a consumer "Ali Baumbach 15" with mobile phone "+919536615648" located in "IN"
    Given a sys_user "Marjorie Schinner 18" with mobile phone "+447466236593" located in "GB"
    Given a consumer "Reina Kiehn 19" with mobile phone "+5511990761082" located in "BR"
    Given an agent "agent01" who is available for SMS
    Given an agent "agent02" who is available for SMS
    Given an agent "agent03" who is available for SMS
    Given a queue "Soak" for SMS with agents "agent01", "agent02", "agent03"
    Given agent "agent01" has SMS capacity 2
    Given agent "agent02" has SMS capacity 4
    Given agent "agent03" has SMS capacity 4
    When "+819078396708" texts "est consectetur ut aut debitis qui fugit dolorem labore in." to "+14155474738"
    When agent "agent03" becomes available
    When "+819078396708" texts "3" to "+14155474738"
    When "+819078396708" texts "Спасибо, жду ответа" to "+14155474738"
    When "+819078396708" texts "STOP" to "+14155474738"
    When agent "agent03"'s SMS capacity becomes 0
    When 49 seconds pass
    When 227 seconds pass
    When "+819078396708" texts "START" to "+14155474738"
    When agent "agent02" becomes available
    When "+819078396708" texts "agent" to "+14155474738"
    When "+819078396708" texts "omnis non veniam eum est natus ut sapiente." to "+14155474738"
    When "+819078396708" texts "ipsa amet eum molestiae rerum laboriosam tempora incidunt aperiam ut." to "+14155474738"
    When "+61466144353" texts "ex vero fugit vero non rem." to "+14156275331"
    When "+919343161226" texts "delectus magnam libero quaerat cum sunt at et ex doloribus." to "+14155474738"
    When "+61466144353" texts "omnis qui voluptatem eum saepe nostrum molestiae quo iusto veniam quia voluptas explicabo quis in eos quod consequatur reiciendis omnis accusamus ducimus architecto natus fugit et laborum maxime nisi iusto molestiae et nihil similique et quo at beatae dolores voluptatem quasi sequi quos quo maxime atque optio illo" to "+14156275331"
    When 112 seconds pass
    When "+819078396708" texts "ut est accusamus enim ipsam velit autem." to "+14155474738"
    When "+919343161226" texts "agent" to "+14155474738"
    When 91 seconds pass
    When 118 seconds pass
    When 242 seconds pass
    When "+61466144353" texts "agent" to "+14156275331"
    When "+919343161226" texts "1" to "+14155474738"
    When "+61466144353" texts "dolorum laudantium reiciendis suscipit et magnam culpa laboriosam facilis." to "+14156275331"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 15070 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+819078396708" texts "ad est esse laboriosam ut quis et quaerat." to "+14155474738"
    When "+919536615648" texts "2" to "+14159645185"
    When agent "agent02" accepts the work item for IMS0001002
    When "+61466144353" texts "sed at veniam deserunt voluptate est aut explicabo porro tempore." to "+14156275331"
    When agent "agent02" composes "Merci beaucoup, ça marche 😀" on interaction IMS0001002 from "+14156275331"
    When agent "agent02" closes IMS0001002
    When 293 seconds pass
    When "+61466144353" texts "agent" to "+14156275331"
    When "+16046347266" texts "3" to "+14155474738"
    When Twilio delivers the webhook of message #7 of IMS0001001 again
    When 152 seconds pass
    When "+16046347266" texts "est voluptatum corporis consequatur quia nihil pariatur." to "+14155474738"
    When "+819078396708" texts "Danke! Können Sie mich zurückrufen?" to "+14155474738"
    When agent "agent02" accepts the work item for IMS0001001
    When "+61466144353" texts "お世話になっております。注文の件です" to "+14156275331"
    When agent "agent02" composes "hic facere veniam sit non aut ab non." on interaction IMS0001001 from "+14155474738"
    When 49 seconds pass
    When "+919654835026" texts "explicabo nam omnis." to "+14153769932"
    When "+919654835026" texts "quasi voluptas neque excepturi temporibus sed aut quisquam." to "+14156275331"
    When 267 seconds pass
    When 7 seconds pass
    When "+819078396708" texts "yes" to "+14155474738"
    When 296 seconds pass
    When "+393177524599" texts "occaecati qui blanditiis natus eos totam maxime quae." to "+14155474738"
    When "+393177524599" texts "iusto ipsam eligendi placeat ea error ad labore." to "+14159645185"
    When agent "agent02" composes "eveniet provident repellendus voluptas est." on interaction IMS0001001 from "+14155474738"
    When agent "agent02" closes IMS0001001
    When "+919654835026" texts "deleniti consectetur et accusantium voluptas ea." to "+14153769932"
    When "+919343161226" texts "et ullam repudiandae quia suscipit." to "+14156275331"
    When "+919343161226" texts "facere molestias rerum labore et voluptatem." to "+14155474738"
    When "+919343161226" texts "aliquid veritatis fugiat ratione alias aspernatur vitae tenetur facere." to "+14156275331"
    When "+16047432404" texts "Danke! Können Sie mich zurückrufen?" with the image "https://cdn.example.com/soak/1/photo-0.jpg" to "+14155474738"
    When "+393177524599" texts "AGENT" to "+14159645185"
    When agent "agent01" becomes available
    When "+16047432404" texts "yes" to "+14155474738"
    When agent "agent01" rejects the work item for IMS0001003
    When agent "agent03" becomes available
    When "+393177524599" texts "aut magni et et quisquam blanditiis." to "+14159645185"
    When "+819078396708" texts "order" to "+14155474738"
    When agent "agent02" becomes available
    When 97 seconds pass
    When 142 seconds pass
    When "+393177524599" texts "1" to "+14155474738"
    When 229 seconds pass
    When "+61466144353" texts "agent" to "+14159645185"
    When agent "agent01" becomes available
    When "+61466144353" texts "et temporibus deserunt impedit libero est." to "+14156275331"
    When agent "agent01" composes "corporis quo sed veniam eum." from "+14153769932" to "+5511990761082" for consumer "Reina Kiehn 19"
    When "+16047432404" texts "yes" to "+14155474738"
    When 241 seconds pass
    When "+919343161226" texts "adipisci inventore sit quis deleniti laudantium sint eligendi." to "+14156275331"
    When 253 seconds pass
    When agent "agent02" accepts the work item for IMS0001003
    When "+919343161226" texts "7" to "+14156275331"
    When agent "agent02" accepts the work item for IMS0001010
    When agent "agent01" composes "pariatur quos exercitationem deleniti iste ex culpa illum aliquam aspernatur." on interaction IMS0001015 from "+14153769932"
    When agent "agent01" closes IMS0001015
    When "+16046347266" texts "in esse suscipit et doloribus dicta porro et." to "+14155474738"
    When agent "agent02" composes "ratione autem consectetur aperiam iusto voluptatem inventore." on interaction IMS0001010 from "+14159645185"
    When "+61466144353" texts "3" to "+14153769932"
    When "+16047432404" texts "yes" to "+14155474738"
    When 35 seconds pass
    When "+16049906407" texts "quos iste non magni assumenda quibusdam fugit sit dignissimos nihil voluptatem incidunt qui quis amet rerum nemo aut ut natus sed quia nesciunt consequatur et eos culpa ut ea omnis omnis sed eveniet aliquam velit dicta id et rem perferendis molestiae possimus neque eum veniam quas id autem natus voluptatem quisquam omnis voluptates consequatur quae quis maiores sapiente sed veritatis voluptas aut non harum temporibus et ut in harum quis corporis ut atque eaque quis ab voluptatem placeat velit libero dolores eveniet facilis quis est necessitatibus qui fugiat et est iure quia recusandae et voluptas rerum provident vel id deleniti ipsa voluptas eius consequatur et pariatur molestias itaque nihil porro incidunt quas dolor exercitationem cupiditate sit veritatis aut voluptas porro debitis possimus odio doloribus omnis nihil iste exercitationem commodi facilis at ut quos nam beatae nisi laudantium et et qui repudiandae aperiam porro inventore qui esse odio quas sint omnis sed neque facere eius voluptatem aliquid excepturi molestiae molestias atque sit et aut vitae maiores dolor omnis voluptatem voluptates sit quisquam sed fuga non vel tenetur iusto quis est et non facilis placeat est quos saepe illum sequi enim veritatis qui similique ipsum dolores magni aliquam et et assumenda est accusamus eius et aliquid repudiandae sit molestiae soluta impedit nihil sit sed et culpa animi debitis voluptatibus incidunt odit omnis corrupti et est id ut ad non omnis dignissimos cumque fuga id pariatur dolores qui tempore omnis optio autem distinctio autem ea voluptatem quisquam incidunt ea volup" to "+14156275331"
    When Twilio delivers the webhook of message #1 of IMS0001005 again
    When "+61466144353" texts "doloremque rerum itaque et placeat harum cum quasi omnis." to "+14156275331"
    When agent "agent02" composes "voluptate esse ullam placeat unde." on interaction IMS0001003 from "+14155474738"
    When "+61466144353" texts "voluptate cum qui nam qui vero est perspiciatis dolor quis vitae." to "+14153769932"
    When agent "agent02" composes "eaque non voluptatum laborum velit et quasi debitis." on interaction IMS0001010 from "+14159645185"
    When agent "agent02" accepts the work item for IMS0001005
    When "+61466144353" texts "neque saepe rem architecto cum neque consequatur sit." to "+14153769932"
    When "+16047432404" texts "maiores quo quia." with the images "https://cdn.example.com/soak/1/photo-0.jpg", "https://cdn.example.com/soak/1/photo-1.jpg" and "https://cdn.example.com/soak/1/photo-2.jpg" to "+14155474738"
    When "+919343161226" texts "quasi commodi cum cumque." to "+14156275331"
    When "+819078396708" texts "quibusdam voluptatem consequatur nemo et perferendis incidunt dignissimos et minus et." to "+14155474738"
    When agent "agent01" composes "accusamus dolorum temporibus qui voluptas quia." from "+14159645185" to "+31656382277" for sys_user "Timmy McCullough 8"
    When "+31656382277" texts "quo molestiae mollitia saepe." to "+14153769932"
    When "+919343161226" texts "3" to "+14156275331"
    When agent "agent02" accepts the work item for IMS0001014
    When agent "agent01" composes "voluptate praesentium ipsam sed consectetur velit quia praesentium." on interaction IMS0001018 from "+14159645185"
    When "+393177524599" texts "suscipit est saepe quas consequatur rem aut magni atque." to "+14155474738"
    When 131 seconds pass
    When "+61466144353" texts "AGENT" to "+14153769932"
    When "+61466144353" texts "velit corporis ut repudiandae." to "+14153769932"
    When "+61466144353" texts "eum quasi eveniet quia commodi repudiandae ullam est." to "+14153769932"
    When "+31656382277" texts "et similique assumenda nobis architecto quibusdam voluptate vel." to "+14153769932"
    When agent "agent01" composes "et repellat enim dolorum voluptatem placeat." on interaction IMS0001018 from "+14159645185"
    When agent "agent01" accepts the work item for IMS0001016
    When 106 seconds pass
    When "+61466144353" texts "Merci beaucoup, ça marche 😀" to "+14153769932"
    When "+919536615648" texts "enim ipsa ab in." to "+14159645185"
    When agent "agent01" composes "ut blanditiis voluptas dolorum ullam et non amet repellendus dolores." on interaction IMS0001016 from "+14153769932"
    When "+61466144353" texts "consequatur possimus magnam numquam sed." to "+14156275331"
    When "+31656382277" texts "sunt optio quaerat in illo animi aspernatur consequuntur numquam et." to "+14153769932"
    When "+16046347266" texts "1" to "+14155474738"
    When agent "agent03" composes "repellat totam alias id voluptatum." with the attachment "receipt.png" of type "image/png" from "+14155474738" to "+16047432404" for sys_user "Adolph Dach 1"
    When 244 seconds pass
    When agent "agent03" composes "nostrum quis porro enim facilis voluptatem repellendus aspernatur deserunt." on interaction IMS0001020 from "+14155474738"
    When "+31656382277" texts "ut quis sunt architecto suscipit ut et." to "+14153769932"
    When "+919536615648" texts "enim adipisci aut." to "+14155474738"
    When Twilio delivers the webhook of message #7 of IMS0001001 again
    When "+61466144353" texts "a dolor est iusto assumenda." to "+14159645185"
    When 67 seconds pass
    When "+61466144353" texts "iure dolorem cum excepturi a." to "+14159645185"
    When "+819078396708" texts "quibusdam id sed dolores et dicta nemo sequi." to "+14155474738"
    When agent "agent02" composes "beatae aut in non similique fuga saepe pariatur reprehenderit sed." on interaction IMS0001003 from "+14155474738"
    When "+393177524599" texts "2" to "+14155474738"
    When agent "agent01" composes "nemo architecto fugiat vel maiores dicta repellendus et et ea." on interaction IMS0001018 from "+14159645185"
    When "+61466144353" texts "inventore ratione placeat sunt reprehenderit." to "+14156275331"
    When "+393177524599" texts "order" to "+14155474738"
    When "+919654835026" texts "illo voluptatum unde hic earum velit aut." to "+14155474738"
    When "+31656382277" texts "order" to "+14153769932"
    When 67 seconds pass
    When "+393177524599" texts "👍👍 thanks" to "+14155474738"
    When agent "agent01" composes "et perspiciatis facilis." on interaction IMS0001016 from "+14153769932"
    When 17 seconds pass
    When 295 seconds pass
    When "+16047432404" texts "Спасибо, жду ответа" to "+14155474738"
    When "+919536615648" texts "お世話になっております。注文の件です" to "+14153769932"
    When "+16046347266" texts "dolorem blanditiis et ad voluptatem et autem unde laborum quia cumque natus ducimus est et et est dolore qui modi laudantium delectus voluptatem minima nostrum culpa est et vitae sint hic eum eum voluptatibus rerum perspiciatis beatae atque maxime qui omnis et sed eveniet molestiae possimus dolores nostrum facere nam velit ut et odio dolor quibusdam consequatur qui voluptatem occaecati animi voluptas et earum quis accusantium accusamus et rerum quis odio aut fugit quam et voluptatem blanditiis et magni ipsa ut odio voluptatum corrupti eos autem dicta qui ipsam officia vel eveniet culpa eos nam et sed ullam voluptate praesentium est quia neque ipsum error odio sit sed commodi sed est ipsa quasi omnis consequuntur ea incidunt hic nam quaerat porro et molestiae ullam est est beatae quod quisquam tempore temporibus qui minus in vero quibusdam et sunt sit blanditiis rerum distinctio sit eligendi eaque natus qui adipisci odit aut consequatur tenetur veritatis sunt perferendis architecto quo alias ipsa numquam dolorem nisi dolor atque voluptatum beatae cum laboriosam sequi consequatur rerum ab ducimus debitis non ad est iure voluptas qui libero quia debitis sunt modi quasi a blanditiis occaecati excepturi occaecati labore eum quis dicta in reiciendis ducimus et qui est qui est incidunt vitae iste quis rerum vitae et voluptatibus sed sed voluptate fugit aut provident assumenda occaecati sit iusto sint a necessitatibus quod ea non rem laborum recusandae aut qui et animi voluptates voluptates architecto ducimus consequatur quia occaecati quos iure qui omnis iure rerum quas aut quia d" to "+14155474738"
    When 47 seconds pass
    When "+819078396708" texts "consequatur facilis velit eum sed dicta explicabo nisi doloremque et sunt." to "+14159645185"
    When 88 seconds pass
    When "+819078396708" texts "quis repudiandae laudantium error ut." to "+14155474738"
    When "+393177524599" texts "culpa deleniti quisquam itaque." to "+14155474738"
    When agent "agent02" composes "quidem perferendis iusto quisquam magnam et." on interaction IMS0001005 from "+14156275331"
    When "+919654835026" texts "HELP" to "+14155474738"
    When agent "agent01" composes "est tempore quis dolores placeat itaque." on interaction IMS0001016 from "+14153769932"
    When agent "agent01" composes "sapiente totam sint qui." on interaction IMS0001016 from "+14153769932"
    When agent "agent02" composes "お世話になっております。注文の件です" on interaction IMS0001003 from "+14155474738"
    When "+819078396708" texts "no" to "+14155474738"
    When "+919536615648" texts "quia ea eaque distinctio id iure distinctio saepe eius ea." to "+14153769932"
    When "+61466144353" texts "yes" to "+14156275331"
    When 49 seconds pass
    When "+16046347266" texts "nostrum et sint ut molestiae perferendis ipsum vitae aliquam nemo aut." to "+14155474738"
    When agent "agent01" composes "consequuntur earum id minima consequatur sit optio aut est aliquam." on interaction IMS0001016 from "+14153769932"
    When agent "agent03" becomes available
    When "+919536615648" texts "corporis perspiciatis doloremque vel rerum non saepe tempora explicabo exercitationem in." to "+14153769932"
    When agent "agent02" composes "Merci beaucoup, ça marche 😀" on interaction IMS0001005 from "+14156275331"
    When "+5511990761082" texts "1" to "+14156275331"
    When agent "agent02"'s SMS capacity becomes 2
    When "+447466236593" texts "aspernatur ipsum reprehenderit quidem ut qui vel sunt." to "+14156275331"
    When "+819078396708" texts "repellat nisi autem earum error sed est reprehenderit magni provident." to "+14155474738"
    When 163 seconds pass
    When 155 seconds pass
    When agent "agent01" composes "omnis dolorem ut necessitatibus." on interaction IMS0001018 from "+14159645185"
    When "+447466236593" texts "quis perferendis vel." to "+14156275331"
    When 299 seconds pass
    When "+16046347266" texts "consequatur nulla inventore quidem atque ut est qui saepe." to "+14155474738"
    When 229 seconds pass
    When "+31656382277" texts "rerum nobis iste." with the images "https://cdn.example.com/soak/8/photo-0.jpg", "https://cdn.example.com/soak/8/photo-1.jpg" and "https://cdn.example.com/soak/8/photo-2.jpg" to "+14155474738"
    When agent "agent01" composes "cum hic repellendus." on interaction IMS0001016 from "+14153769932"
    When agent "agent01" closes IMS0001016
    When "+5511990761082" texts "cumque eos aperiam vitae fuga." with the image "https://cdn.example.com/soak/19/photo-0.jpg" to "+14156275331"
    When "+393177524599" texts "7" to "+14155474738"
    When "+61466144353" texts "¿Cuándo llega mi pedido? 📦" to "+14156275331"
    When 36 seconds pass
    When "+16047432404" texts "eos dicta eligendi dolor." to "+14155474738"
    When "+31656382277" texts "debitis illum nostrum modi odit nihil qui." to "+14155474738"
    When 30 minutes pass
    Then every soak invariant holds and every send has settled

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
    Given a customer contact "Jerome Sauer 10" with mobile phone "+14152362622" located in "US"
    Given a consumer "Ali Baumbach 15" with mobile phone "+919536615648" located in "IN"
    Given a customer contact "Ava Wuckert 16" with mobile phone "+919231152283" located in "IN"
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
    When 27 seconds pass
    When "+61466144353" texts "officia dolorum rerum rerum occaecati qui blanditiis natus eos." with the images "https://cdn.example.com/soak/5/photo-0.jpg", "https://cdn.example.com/soak/5/photo-1.jpg" and "https://cdn.example.com/soak/5/photo-2.jpg" to "+14153769932"
    When Twilio delivers the webhook of message #3 of IMS0001002 again
    When "+5511990761082" texts "HELP" to "+14159645185"
    When agent "agent01" accepts the work item for IMS0001001
    When 131 seconds pass
    When "+819078396708" texts "repellendus voluptas est qui voluptatem dolore debitis." to "+14155474738"
    When agent "agent02" accepts the work item for IMS0001003
    When "+61466144353" texts "1" to "+14153769932"
    When "+61466144353" texts "AGENT" to "+14153769932"
    When agent "agent02" accepts the work item for IMS0001004
    When "+919343161226" texts "architecto voluptatem itaque autem facere molestias rerum." to "+14155474738"
    When "+919343161226" texts "voluptas magnam fugit suscipit eum nisi magnam voluptatem perferendis." to "+14155474738"
    When agent "agent01" leaves IMS0001001
    When 188 seconds pass
    When "+61466144353" texts "aut delectus dicta." to "+14153769932"
    When agent "agent02" accepts the work item for IMS0001001
    When agent "agent01" becomes available
    When "+31656382277" texts "quisquam alias sit ut quia sit." to "+14159645185"
    When Twilio delivers the webhook of message #15 of IMS0001001 again
    When "+5511990761082" texts "aut harum quia repudiandae nobis magni facere omnis." to "+14159645185"
    When "+393177524599" texts "7" to "+14155474738"
    When "+31656382277" texts "incidunt est quod earum odit quibusdam asperiores voluptatem." to "+14159645185"
    When "+919231152283" texts "assumenda sapiente quia consequuntur consequatur corporis." to "+14159645185"
    When "+393177524599" texts "maxime quam eos adipisci sequi animi voluptatem." to "+14155474738"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 16791 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+5511990761082" texts "voluptates ducimus labore in." to "+14155474738"
    When agent "agent02" composes "voluptates sint voluptas veniam pariatur ratione labore ullam praesentium." on interaction IMS0001004 from "+14153769932"
    When 7 seconds pass
    When 126 seconds pass
    When "+919654835026" texts "perspiciatis distinctio aut quo mollitia dolorem molestias id." to "+14153769932"
    When agent "agent01" becomes available
    When agent "agent03" goes away
    When "+61466144353" texts "ut deserunt molestiae deserunt doloribus sit est excepturi." to "+14156275331"
    When "+14152362622" texts "7" to "+14156275331"
    When "+61466144353" texts "STOP" to "+14153769932"
    When 18 seconds pass
    When "+31656382277" texts "occaecati officia vitae est ipsam iusto quisquam itaque." to "+14159645185"
    When "+16046347266" texts "order" to "+14156275331"
    When agent "agent02" composes "excepturi et ea." on interaction IMS0001001 from "+14155474738"
    When "+14152362622" texts "3" to "+14156275331"
    When agent "agent02" composes "rem qui et natus autem dolore." on interaction IMS0001004 from "+14153769932"
    Then the request is refused with "Twilio error 21610"
    When "+61466144353" texts "START" to "+14153769932"
    When agent "agent03" composes "ut rerum magnam nam recusandae eligendi corrupti sint quam tenetur et saepe deleniti et eaque asperiores nihil laudantium maxime fuga unde ut enim ducimus quod quia repudiandae enim et aut voluptas quibusdam quas autem neque ut error cupiditate sunt veniam consequatur fuga commodi aut unde quos esse consequatur dolorum dolore voluptate veniam quo adipisci ducimus ipsam est molestiae ullam dolorem facere et nobis aspernatur omnis dignissimos explicabo ut beatae aut id quo consequatur id deleniti ut natus eos ad quia eos temporibus rem quisquam reiciendis maxime quia earum sed maxime saepe eos vel qui ex dolor corporis quaerat enim unde nobis amet dolores ut molestiae delectus quia velit qui placeat quo nihil consequatur enim repudiandae et voluptas odio vero omnis aliquam quis ullam assumenda porro et eum enim fuga aut quae corrupti modi ipsam nostrum tempora rerum ad ut harum doloremque cumque doloremque unde sed omnis rerum cupiditate ex et temporibus deserunt impedit libero est nam ullam reiciendis aut nulla ipsam corporis quo sed veniam eum aliquam cum qui blanditiis et natus voluptas repellendus id dolor minus et molestiae non possimus tenetur quia et reprehenderit voluptatem voluptatem nihil doloremque saepe impedit illum dolor dolores numquam dolor nisi laborum adipisci inventore sit quis deleniti laudantium sint eligendi non quis nulla facilis sed molestiae tempora commodi aperiam exercitationem recusandae voluptas enim placeat enim excepturi sed temporibus consequuntur sunt et praesentium doloremque sit optio recusandae fugit repellendus dolorem pariatur quos exerci" from "+14156275331" to "+16046347266"
    When "+61466144353" texts "amet ut quos iste non magni assumenda quibusdam fugit." to "+14156275331"
    When "+819078396708" texts "quia nesciunt consequatur et eos culpa ut." to "+14155474738"
    When "+819078396708" texts "eum veniam quas id." to "+14153769932"
    When "+14152362622" texts "agent" to "+14156275331"
    When agent "agent03" transfers IMS0001015 to queue "Soak"
    When agent "agent02" composes "quis corporis ut atque eaque quis ab voluptatem." on interaction IMS0001004 from "+14153769932"
    When agent "agent02" closes IMS0001004
    When agent "agent02" composes "necessitatibus qui fugiat et est iure quia recusandae." from "+14155474738" to "+919317203172"
    When agent "agent01" accepts the work item for IMS0001012
    When agent "agent01"'s SMS capacity becomes 3
    When "+819078396708" texts "veritatis aut voluptas." to "+14153769932"
    When agent "agent01" composes "omnis nihil iste exercitationem commodi facilis at ut quos nam beatae." on interaction IMS0001012 from "+14156275331"
    When agent "agent01" rejects the work item for IMS0001015
    When "+919231152283" texts "aliquid excepturi molestiae." to "+14159645185"
    When agent "agent01" becomes available
    When "+919231152283" texts "tenetur iusto quis est et non." to "+14159645185"
    When agent "agent02" accepts the work item for IMS0001015
    When 47 seconds pass
    When "+16046347266" texts "et aliquid repudiandae sit." to "+14156275331"
    When 212 seconds pass
    When "+31656382277" texts "id ut ad non omnis dignissimos cumque fuga id." to "+14159645185"
    When 119 seconds pass
    When agent "agent01" composes "autem ea voluptatem quisquam incidunt ea voluptas nisi." on interaction IMS0001012 from "+14156275331"
    When 251 seconds pass
    When "+14152362622" texts "sapiente dolorum in mollitia." to "+14156275331"
    When "+16046347266" texts "dicta similique iusto tempore vero voluptatem magni eos commodi necessitatibus officiis." to "+14156275331"
    When 177 seconds pass
    When "+14152362622" texts "laudantium quia iure qui et in." to "+14156275331"
    When 224 seconds pass
    When agent "agent01" composes "voluptate esse ullam placeat unde." on interaction IMS0001012 from "+14156275331"
    When "+919231152283" texts "voluptate cum qui nam qui vero est perspiciatis dolor quis vitae." to "+14159645185"
    When agent "agent01" composes "eaque non voluptatum laborum velit et quasi debitis." on interaction IMS0001012 from "+14156275331"
    When "+919231152283" texts "neque saepe rem architecto cum neque consequatur sit." to "+14159645185"
    When "+31656382277" texts "maiores quo quia." with the images "https://cdn.example.com/soak/8/photo-0.jpg", "https://cdn.example.com/soak/8/photo-1.jpg" and "https://cdn.example.com/soak/8/photo-2.jpg" to "+14159645185"
    When "+819078396708" texts "quasi commodi cum cumque." to "+14155474738"
    When "+919654835026" texts "quibusdam voluptatem consequatur nemo et perferendis incidunt dignissimos et minus et." to "+14153769932"
    When agent "agent01" composes "accusamus dolorum temporibus qui voluptas quia." from "+14159645185" to "+31656382277" for sys_user "Timmy McCullough 8"
    When "+31656382277" texts "quo molestiae mollitia saepe." to "+14153769932"
    When "+819078396708" texts "3" to "+14155474738"
    When agent "agent01" composes "voluptate praesentium ipsam sed consectetur velit quia praesentium." on interaction IMS0001012 from "+14156275331"
    When "+61466144353" texts "suscipit est saepe quas consequatur rem aut magni atque." to "+14153769932"
    When 131 seconds pass
    When "+919231152283" texts "AGENT" to "+14159645185"
    When "+919231152283" texts "velit corporis ut repudiandae." to "+14159645185"
    When "+919231152283" texts "eum quasi eveniet quia commodi repudiandae ullam est." to "+14159645185"
    When "+31656382277" texts "et similique assumenda nobis architecto quibusdam voluptate vel." to "+14153769932"
    When agent "agent01" composes "et repellat enim dolorum voluptatem placeat." on interaction IMS0001012 from "+14156275331"
    When agent "agent01" accepts the work item for IMS0001018
    When 106 seconds pass
    When "+919231152283" texts "Merci beaucoup, ça marche 😀" to "+14159645185"
    When "+919536615648" texts "enim ipsa ab in." to "+14159645185"
    When agent "agent01" composes "ut blanditiis voluptas dolorum ullam et non amet repellendus dolores." on interaction IMS0001019 from "+14159645185"
    When "+14152362622" texts "consequatur possimus magnam numquam sed." to "+14156275331"
    When "+31656382277" texts "sunt optio quaerat in illo animi aspernatur consequuntur numquam et." to "+14153769932"
    When "+819078396708" texts "1" to "+14153769932"
    When agent "agent03" composes "repellat totam alias id voluptatum." with the attachment "receipt.png" of type "image/png" from "+14155474738" to "+16047432404" for sys_user "Adolph Dach 1"
    When 244 seconds pass
    When agent "agent03" composes "nostrum quis porro enim facilis voluptatem repellendus aspernatur deserunt." on interaction IMS0001023 from "+14155474738"
    When "+31656382277" texts "ut quis sunt architecto suscipit ut et." to "+14153769932"
    When "+919536615648" texts "enim adipisci aut." to "+14155474738"
    When Twilio delivers the webhook of message #7 of IMS0001001 again
    When "+61466144353" texts "a dolor est iusto assumenda." to "+14156275331"
    When 67 seconds pass
    When "+61466144353" texts "iure dolorem cum excepturi a." to "+14156275331"
    When "+919654835026" texts "quibusdam id sed dolores et dicta nemo sequi." to "+14153769932"
    When agent "agent02" composes "beatae aut in non similique fuga saepe pariatur reprehenderit sed." on interaction IMS0001017 from "+14155474738"
    When "+61466144353" texts "2" to "+14153769932"
    When agent "agent01" composes "nemo architecto fugiat vel maiores dicta repellendus et et ea." on interaction IMS0001019 from "+14159645185"
    When "+14152362622" texts "inventore ratione placeat sunt reprehenderit." to "+14156275331"
    When "+61466144353" texts "order" to "+14153769932"
    When "+919654835026" texts "illo voluptatum unde hic earum velit aut." to "+14155474738"
    When "+31656382277" texts "order" to "+14153769932"
    When 67 seconds pass
    When "+61466144353" texts "👍👍 thanks" to "+14153769932"
    When agent "agent01" composes "et perspiciatis facilis." on interaction IMS0001012 from "+14156275331"
    When 17 seconds pass
    When 295 seconds pass
    When "+31656382277" texts "Спасибо, жду ответа" to "+14159645185"
    When "+919536615648" texts "お世話になっております。注文の件です" to "+14153769932"
    When "+819078396708" texts "dolorem blanditiis et ad voluptatem et autem unde laborum quia cumque natus ducimus est et et est dolore qui modi laudantium delectus voluptatem minima nostrum culpa est et vitae sint hic eum eum voluptatibus rerum perspiciatis beatae atque maxime qui omnis et sed eveniet molestiae possimus dolores nostrum facere nam velit ut et odio dolor quibusdam consequatur qui voluptatem occaecati animi voluptas et earum quis accusantium accusamus et rerum quis odio aut fugit quam et voluptatem blanditiis et magni ipsa ut odio voluptatum corrupti eos autem dicta qui ipsam officia vel eveniet culpa eos nam et sed ullam voluptate praesentium est quia neque ipsum error odio sit sed commodi sed est ipsa quasi omnis consequuntur ea incidunt hic nam quaerat porro et molestiae ullam est est beatae quod quisquam tempore temporibus qui minus in vero quibusdam et sunt sit blanditiis rerum distinctio sit eligendi eaque natus qui adipisci odit aut consequatur tenetur veritatis sunt perferendis architecto quo alias ipsa numquam dolorem nisi dolor atque voluptatum beatae cum laboriosam sequi consequatur rerum ab ducimus debitis non ad est iure voluptas qui libero quia debitis sunt modi quasi a blanditiis occaecati excepturi occaecati labore eum quis dicta in reiciendis ducimus et qui est qui est incidunt vitae iste quis rerum vitae et voluptatibus sed sed voluptate fugit aut provident assumenda occaecati sit iusto sint a necessitatibus quod ea non rem laborum recusandae aut qui et animi voluptates voluptates architecto ducimus consequatur quia occaecati quos iure qui omnis iure rerum quas aut quia d" to "+14153769932"
    When 47 seconds pass
    When "+819078396708" texts "consequatur facilis velit eum sed dicta explicabo nisi doloremque et sunt." to "+14159645185"
    When 88 seconds pass
    When "+919654835026" texts "quis repudiandae laudantium error ut." to "+14153769932"
    When "+61466144353" texts "culpa deleniti quisquam itaque." to "+14153769932"
    When agent "agent02" composes "quidem perferendis iusto quisquam magnam et." on interaction IMS0001001 from "+14155474738"
    When "+919654835026" texts "HELP" to "+14155474738"
    When agent "agent01" composes "est tempore quis dolores placeat itaque." on interaction IMS0001018 from "+14159645185"
    When agent "agent01" composes "sapiente totam sint qui." on interaction IMS0001012 from "+14156275331"
    When agent "agent02" composes "お世話になっております。注文の件です" on interaction IMS0001017 from "+14155474738"
    When "+919654835026" texts "no" to "+14153769932"
    When "+919536615648" texts "quia ea eaque distinctio id iure distinctio saepe eius ea." to "+14153769932"
    When "+14152362622" texts "yes" to "+14156275331"
    When 49 seconds pass
    When "+819078396708" texts "nostrum et sint ut molestiae perferendis ipsum vitae aliquam nemo aut." to "+14153769932"
    When agent "agent01" composes "consequuntur earum id minima consequatur sit optio aut est aliquam." on interaction IMS0001012 from "+14156275331"
    When agent "agent03" becomes available
    When "+919536615648" texts "corporis perspiciatis doloremque vel rerum non saepe tempora explicabo exercitationem in." to "+14153769932"
    When agent "agent02" composes "Merci beaucoup, ça marche 😀" on interaction IMS0001017 from "+14155474738"
    When "+5511990761082" texts "1" to "+14156275331"
    When agent "agent02"'s SMS capacity becomes 2
    When "+447466236593" texts "aspernatur ipsum reprehenderit quidem ut qui vel sunt." to "+14156275331"
    When "+919654835026" texts "repellat nisi autem earum error sed est reprehenderit magni provident." to "+14153769932"
    When 163 seconds pass
    When 155 seconds pass
    When agent "agent03" composes "voluptas autem cum quisquam vero reprehenderit qui et id." on interaction IMS0001023 from "+14155474738"
    When "+14152362622" texts "agent" to "+14156275331"
    When "+16049906407" texts "saepe recusandae qui voluptas." to "+14153769932"
    When "+31656382277" texts "rerum nobis iste." with the images "https://cdn.example.com/soak/8/photo-0.jpg", "https://cdn.example.com/soak/8/photo-1.jpg" and "https://cdn.example.com/soak/8/photo-2.jpg" to "+14155474738"
    When agent "agent01" composes "cum hic repellendus." on interaction IMS0001018 from "+14159645185"
    When agent "agent01" closes IMS0001018
    When "+447466236593" texts "cumque eos aperiam vitae fuga." with the image "https://cdn.example.com/soak/18/photo-0.jpg" to "+14156275331"
    When "+919654835026" texts "7" to "+14155474738"
    When "+919536615648" texts "¿Cuándo llega mi pedido? 📦" to "+14153769932"
    When 36 seconds pass
    When "+16047432404" texts "eos dicta eligendi dolor." to "+14155474738"
    When "+31656382277" texts "debitis illum nostrum modi odit nihil qui." to "+14155474738"
    When "+16049906407" texts "illo velit aperiam nemo quaerat est ipsa similique." to "+14159645185"
    When 30 minutes pass
    Then every soak invariant holds and every send has settled

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
    Given a consumer "Jakob Nitzsche 6" with mobile phone "+4915182877729" located in "DE"
    Given a customer contact "Mable Wunsch 7" with mobile phone "+447478912884" located in "GB"
    Given a sys_user "Timmy McCullough 8" with mobile phone "+31656382277" located in "NL"
    Given a consumer "Ross Moen 9" with mobile phone "+393177524599" located in "IT"
    Given a customer contact "Jerome Sauer 10" with mobile phone "+14152362622" located in "US"
    Given a customer contact "Aric Lubowitz 12" with mobile phone "+5511952103363" located in "BR"
    Given a sys_user "Grant Watsica 14" with mobile phone "+33660461832" located in "FR"
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
    When "+447478912884" texts "consectetur temporibus quidem sit qui minus tenetur aut aut in voluptas pariatur odit sint iste suscipit cupiditate sit impedit dicta quia impedit maiores fugiat atque earum veritatis distinctio impedit modi deleniti sunt velit rem consequatur quidem assumenda possimus commodi aut doloribus itaque beatae asperiores facilis est qui quidem sed optio hic quia quis officia doloremque sunt eos aut sint aut voluptatum" to "+14155474738"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 18285 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When 227 seconds pass
    When "+919231152283" texts "corporis illo dolor earum temporibus in." to "+14156275331"
    When agent "agent03"'s SMS capacity becomes 3
    When "+447478912884" texts "sed debitis voluptatem tempore et omnis non veniam eum est natus." to "+14156275331"
    When 108 seconds pass
    When "+919317203172" texts "AGENT" to "+14156275331"
    When "+447466236593" texts "nam quis ex vero fugit vero non rem." to "+14153769932"
    When "+16047432404" texts "et repellendus delectus magnam libero quaerat cum." to "+14153769932"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 5554 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+919317203172" texts "3" to "+14159645185"
    When Twilio delivers the webhook of message #1 of IMS0001003 again
    When "+919317203172" texts "quod consequatur reiciendis omnis." to "+14159645185"
    When 23 seconds pass
    When agent "agent01" accepts the work item for IMS0001005
    When "+16047432404" texts "iste sed eos sint." to "+14156275331"
    When "+5511952103363" texts "ipsam velit autem vel dolore." to "+14155474738"
    When agent "agent01" composes "voluptatem necessitatibus quis veniam inventore et sint." on interaction IMS0001005 from "+14156275331"
    When 118 seconds pass
    When 242 seconds pass
    When "+447466236593" texts "order" to "+14156275331"
    When "+16049906407" texts "tempora sunt eius consequuntur." to "+14155474738"
    When agent "agent01" becomes available
    When "+447466236593" texts "magnam culpa laboriosam facilis asperiores praesentium quidem dignissimos." to "+14155474738"
    When 20 seconds pass
    When "+393177524599" texts "Merci beaucoup, ça marche 😀" to "+14153769932"
    When "+14152362622" texts "est omnis quis vero." to "+14155474738"
    When "+919343161226" texts "agent" to "+14159645185"
    When "+61466144353" texts "ut quis consequatur eius aperiam temporibus repellat ut magni aut ut omnis odio rerum consequatur ut error quia recusandae magni ad veniam sed beatae eaque laudantium laudantium neque vero exercitationem molestias dolore alias consectetur consequatur dolorum est natus minus maxime recusandae voluptatem velit assumenda omnis est voluptatum corporis consequatur quia nihil pariatur id et deleniti iusto nesciunt ut odio nam cum perspiciatis et voluptatem sapiente ab incidunt" with the images "https://cdn.example.com/soak/5/photo-0.jpg", "https://cdn.example.com/soak/5/photo-1.jpg" and "https://cdn.example.com/soak/5/photo-2.jpg" to "+14156275331"
    When 230 seconds pass
    When 51 seconds pass
    When "+819078396708" texts "" with the images "https://cdn.example.com/soak/2/photo-0.jpg" and "https://cdn.example.com/soak/2/photo-1.jpg" to "+14155474738"
    When "+31656382277" texts "order" to "+14155474738"
    When "+16047432404" texts "sit velit quae repellendus pariatur vel qui quibusdam non alias." to "+14153769932"
    When "+919654835026" texts "1" to "+14153769932"
    When agent "agent03" rejects the work item for IMS0001016
    When agent "agent01" becomes available
    When agent "agent01" composes "aut quisquam rerum voluptas." on interaction IMS0001005 from "+14156275331"
    When "+16049906407" texts "ab impedit debitis." to "+14156275331"
    When "+5511990761082" texts "officia dolorum rerum rerum occaecati qui blanditiis natus eos." to "+14159645185"
    When Twilio delivers the webhook of message #1 of IMS0001017 again
    When "+61466144353" texts "" with the image "https://cdn.example.com/soak/5/photo-0.jpg" to "+14153769932"
    When "+919231152283" texts "dignissimos reprehenderit et corporis eveniet provident repellendus voluptas est." to "+14153769932"
    When agent "agent01" composes "excepturi sequi ut molestiae voluptatem eum sed architecto." on interaction IMS0001005 from "+14156275331"
    When "+393177524599" texts "distinctio quibusdam iste quia voluptates sunt eligendi ullam et ullam repudiandae quia suscipit molestiae sunt minima ab omnis sed deserunt nihil autem omnis architecto voluptatem itaque autem facere molestias rerum labore et voluptatem et dignissimos quae sed sit adipisci sit qui ducimus libero est voluptas magnam fugit suscipit eum nisi magnam voluptatem perferendis voluptas eius et omnis" with the images "https://cdn.example.com/soak/9/photo-0.jpg", "https://cdn.example.com/soak/9/photo-1.jpg" and "https://cdn.example.com/soak/9/photo-2.jpg" to "+14156275331"
    When 188 seconds pass
    When "+33660461832" texts "" with the image "https://cdn.example.com/soak/14/photo-0.jpg" to "+14155474738"
    When agent "agent01" composes "provident laboriosam quia." on interaction IMS0001005 from "+14156275331"
    When agent "agent01" composes "accusantium non nobis voluptas ducimus." on interaction IMS0001005 from "+14156275331"
    When "+16047432404" texts "7" to "+14159645185"
    When "+16046347266" texts "quia nam debitis incidunt ut adipisci molestias ut." to "+14155474738"
    When 199 seconds pass
    When 146 seconds pass
    When 285 seconds pass
    When "+5511990761082" texts "enim et aut voluptas quibusdam quas autem neque ut error cupiditate." to "+14155474738"
    When "+819078396708" texts "ipsam est molestiae ullam dolorem facere et nobis aspernatur omnis dignissimos explicabo ut beatae aut id quo consequatur id deleniti ut natus eos ad quia eos temporibus rem quisquam reiciendis maxime quia earum sed maxime saepe eos vel qui ex dolor corporis quaerat enim unde nobis amet dolores ut molestiae delectus quia velit qui placeat quo nihil consequatur enim repudiandae et voluptas odio vero omnis aliquam quis ullam assumenda porro et eum enim fuga aut quae corrupti modi ipsam nostrum tempora rerum ad ut harum doloremque cumque doloremque unde sed omnis rerum cupiditate ex et temporibus deserunt impedit libero est nam ullam reiciendis aut nulla ipsam corporis quo sed veniam eum aliquam cum qui blanditiis et natus voluptas repellendus id dolor minus et molestiae non possimus tenetur quia et reprehenderit voluptatem voluptatem nihil doloremque saepe impedit illum dolor dolores numquam dolor nisi laborum adipisci inventore sit quis deleniti laudantium sint eligendi non quis nulla facilis sed molestiae tempora commodi aperiam exercitationem recusandae voluptas enim placeat enim excepturi sed temporibus consequuntur sunt et praesentium doloremque sit optio recusandae fugit repellendus dolorem pariatur quos exercitationem deleniti iste ex culpa illum aliquam aspernatur minima accusantium exercitationem voluptas sit odit qui officia est atque architecto iste magnam accusamus a qui in esse suscipit et doloribus dicta porro et omnis recusandae culpa ut et ratione autem consectetur aperiam iusto voluptatem inventore recusandae asperiores sit quo aut ad earum et fugiat libero d" to "+14155474738"
    When "+5511952103363" texts "natus voluptatem quisquam omnis voluptates consequatur." to "+14153769932"
    When "+447478912884" texts "in harum quis corporis ut." to "+14153769932"
    When agent "agent01" becomes available
    When "+61466144353" texts "et est iure quia recusandae et voluptas rerum provident vel." to "+14155474738"
    When agent "agent02" accepts the work item for IMS0001016
    When "+447478912884" texts "1" to "+14155474738"
    When 199 seconds pass
    When "+4915182877729" texts "2" to "+14159645185"
    When "+14152362622" texts "sit et aut vitae maiores dolor omnis." with the images "https://cdn.example.com/soak/10/photo-0.jpg" and "https://cdn.example.com/soak/10/photo-1.jpg" to "+14155474738"
    When "+447466236593" texts "non facilis placeat est quos saepe illum sequi enim veritatis." to "+14156275331"
    When "+61466144353" texts "¿Cuándo llega mi pedido? 📦" to "+14153769932"
    When "+919343161226" texts "id pariatur dolores qui tempore omnis optio autem." to "+14159645185"
    When agent "agent01" composes "expedita deleniti necessitatibus expedita quo nisi." on interaction IMS0001005 from "+14156275331"
    When "+393177524599" texts "voluptatem autem tempora quibusdam deleniti nemo." to "+14159645185"
    When agent "agent01" goes offline
    When "+819078396708" texts "dolorum voluptas blanditiis voluptate architecto sunt non perspiciatis reiciendis iusto." to "+14153769932"
    When Twilio delivers the webhook of message #1 of IMS0001013 again
    When "+447478912884" texts "quasi omnis quo aut modi ad voluptas voluptate esse." to "+14153769932"
    When "+33660461832" texts "agent" to "+14155474738"
    When 223 seconds pass
    When "+919231152283" texts "quis vitae placeat voluptas." to "+14153769932"
    When 183 seconds pass
    When "+447466236593" texts "et qui quasi unde repellat reprehenderit." to "+14159645185"
    When "+16046347266" texts "cum neque consequatur." to "+14156275331"
    When "+447478912884" texts "yes" to "+14159645185"
    When "+393177524599" texts "Спасибо, жду ответа" to "+14155474738"
    When Twilio delivers the webhook of message #1 of IMS0001018 again
    When agent "agent01" becomes available
    When "+919654835026" texts "eius qui dolores aut." to "+14155474738"
    When agent "agent01" composes "perferendis incidunt dignissimos et minus." on interaction IMS0001005 from "+14156275331"
    When "+31656382277" texts "1" to "+14159645185"
    When agent "agent01" composes "reiciendis quia distinctio perferendis reprehenderit et." on interaction IMS0001005 from "+14156275331"
    When "+31656382277" texts "neque est eum voluptas omnis explicabo voluptatum in recusandae sit quo." to "+14156275331"
    When agent "agent01" composes "voluptate praesentium ipsam sed consectetur velit quia praesentium." on interaction IMS0001005 from "+14156275331"
    When "+16046347266" texts "voluptas suscipit est saepe quas consequatur rem aut magni atque." to "+14159645185"
    When 131 seconds pass
    When agent "agent03" accepts the work item for IMS0001026
    When "+5511990761082" texts "¿Cuándo llega mi pedido? 📦" to "+14155474738"
    When "+16049906407" texts "dolores velit corporis ut repudiandae doloremque assumenda dolorum delectus dignissimos." to "+14155474738"
    When Twilio delivers the webhook of message #1 of IMS0001015 again
    When agent "agent02" composes "veniam et eum quasi eveniet quia commodi." on interaction IMS0001016 from "+14159645185"
    When agent "agent01" composes "👍👍 thanks" on interaction IMS0001005 from "+14156275331"
    When "+919536615648" texts "quibusdam voluptate vel." to "+14153769932"
    When agent "agent03" composes "et repellat enim dolorum voluptatem placeat." on interaction IMS0001026 from "+14155474738"
    When 106 seconds pass
    When "+919231152283" texts "neque molestiae sint." to "+14155474738"
    When 77 seconds pass
    When agent "agent01" composes "dolorum praesentium at reiciendis ipsum enim ipsa ab in eligendi molestiae." on interaction IMS0001005 from "+14156275331"
    When agent "agent02" composes "ullam et non amet repellendus dolores laudantium officia." on interaction IMS0001016 from "+14159645185"
    When "+919343161226" texts "et quaerat porro sunt rerum." with the images "https://cdn.example.com/soak/11/photo-0.jpg", "https://cdn.example.com/soak/11/photo-1.jpg" and "https://cdn.example.com/soak/11/photo-2.jpg" to "+14155474738"
    When agent "agent03" composes "deserunt expedita accusamus sunt." on interaction IMS0001026 from "+14155474738"
    When "+16046347266" texts "7" to "+14156275331"
    When agent "agent02" composes "aut quasi porro et voluptas repellat totam alias." on interaction IMS0001016 from "+14159645185"
    When agent "agent01" composes "dolorem repellendus perferendis necessitatibus voluptas nostrum quis porro enim facilis." on interaction IMS0001005 from "+14156275331"
    When "+919343161226" texts "sed quas autem quas omnis ut quis." to "+14155474738"
    When "+16047432404" texts "cum velit sunt quidem est." to "+14159645185"
    When 94 seconds pass
    When "+16049906407" texts "ratione laboriosam dolor ea blanditiis ut ab." to "+14155474738"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 9552 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+4915182877729" texts "agent" to "+14159645185"
    When "+16049906407" texts "iure dolorem cum excepturi a." to "+14153769932"
    When "+393177524599" texts "est quibusdam id sed dolores et." to "+14156275331"
    When "+4915182877729" texts "fuga saepe pariatur reprehenderit sed nesciunt voluptas ab." to "+14156275331"
    When "+16047432404" texts "2" to "+14159645185"
    When agent "agent01" composes "nemo architecto fugiat vel maiores dicta repellendus et et ea." on interaction IMS0001005 from "+14156275331"
    When "+819078396708" texts "7" to "+14156275331"
    When agent "agent02" composes "veniam nulla similique architecto voluptatibus ut eos fugit quas dolore sequi." on interaction IMS0001016 from "+14159645185"
    When 154 seconds pass
    When 2 minutes pass
    When "+14152362622" texts "aut dolores vel voluptatem totam officia." to "+14155474738"
    When 131 seconds pass
    When "+919343161226" texts "et voluptate repudiandae consectetur aut id sint." to "+14153769932"
    When "+919231152283" texts "eaque illo fuga qui ab laboriosam repudiandae ab maiores eum voluptas." to "+14155474738"
    When "+16049906407" texts "7" to "+14155474738"
    When "+447466236593" texts "ab ea ad minima deleniti non nemo dolorem ipsa et quia nihil optio laborum velit veritatis dolorem blanditiis et ad voluptatem et autem unde laborum quia cumque natus ducimus est et et est dolore qui modi laudantium delectus voluptatem minima nostrum culpa est et vitae sint hic eum eum voluptatibus rerum perspiciatis beatae atque maxime qui omnis et sed eveniet molestiae possimus dolores nostrum facere nam velit ut et odio dolor quibusdam consequatur qui voluptatem occaecati animi voluptas et earum quis accusantium accusamus et rerum quis odio aut fugit quam et voluptatem blanditiis et magni ipsa ut odio voluptatum corrupti eos autem dicta qui ipsam officia vel eveniet culpa eos nam et sed ullam voluptate praesentium est quia neque ipsum error odio sit sed commodi sed est ipsa quasi omnis consequuntur ea incidunt hic nam quaerat porro et molestiae ullam est est beatae quod quisquam tempore temporibus qui minus in vero quibusdam et sunt sit blanditiis rerum distinctio sit eligendi eaque natus qui adipisci odit aut consequatur tenetur veritatis sunt perferendis architecto quo alias ipsa numquam dolorem nisi dolor atque voluptatum beatae cum laboriosam sequi consequatur rerum ab ducimus debitis non ad est iure voluptas qui libero quia debitis sunt modi quasi a blanditiis occaecati excepturi occaecati labore eum quis dicta in reiciendis ducimus et qui est qui est incidunt vitae iste quis rerum vitae et voluptatibus sed sed voluptate fugit aut provident assumenda occaecati sit iusto sint a necessitatibus quod ea non rem laborum recusandae aut qui et animi voluptates voluptates a" to "+14153769932"
    When "+16046347266" texts "STOP" to "+14159645185"
    When "+919654835026" texts "3" to "+14156275331"
    When "+5511952103363" texts "agent" to "+14159645185"
    When "+4915182877729" texts "assumenda non doloremque voluptates non laborum ut nihil ullam quis." to "+14156275331"
    When 169 seconds pass
    When agent "agent01" accepts the work item for IMS0001048
    When agent "agent01" composes "voluptas adipisci culpa deleniti quisquam itaque tempore officia ut." on interaction IMS0001005 from "+14156275331"
    When "+447466236593" texts "Danke! Können Sie mich zurückrufen?" to "+14153769932"
    When agent "agent01" composes "est tempore quis dolores placeat itaque." on interaction IMS0001005 from "+14156275331"
    When agent "agent01" composes "sapiente totam sint qui." on interaction IMS0001005 from "+14156275331"
    When agent "agent02" composes "お世話になっております。注文の件です" on interaction IMS0001016 from "+14159645185"
    When "+919317203172" texts "order" to "+14155474738"
    When 225 seconds pass
    When Twilio delivers the webhook of message #3 of IMS0001031 again
    When "+33660461832" texts "2" to "+14155474738"
    When "+919654835026" texts "1" to "+14155474738"
    When "+31656382277" texts "7" to "+14153769932"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 9453 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When "+447478912884" texts "et ut nostrum et sint ut molestiae perferendis ipsum vitae aliquam nemo aut omnis sequi non quas vel consequuntur earum id minima consequatur sit optio aut est aliquam eligendi numquam excepturi minima hic adipisci incidunt inventore aut est magni aperiam laborum in praesentium molestiae qui velit et corporis perspiciatis doloremque vel rerum non saepe tempora explicabo exercitationem in dolor ut sit odit consequuntur vel aliquid alias placeat illum hic quia temporibus commodi deserunt est nihil voluptas iste veritatis dolore rem odio et error quia molestiae sequi quia voluptate voluptas non amet natus corrupti soluta iure sed et distinctio in cum error aspernatur ipsum reprehenderit quidem ut qui vel sunt molestiae possimus sunt similique maxime earum eaque magni ipsam dolor vel delectus voluptatum officiis repellat nisi autem earum error sed est reprehenderit magni provident debitis et perspiciatis repudiandae velit occaecati pariatur minima rem nisi ratione omnis dolorem ut necessitatibus omnis voluptas autem cum quisquam vero reprehenderit qui et id aut repellat qui nulla fuga ipsa quis perferendis vel non exercitationem amet temporibus itaque magni repellat aspernatur aut quae fuga eius et ducimus ex qui aut aperiam vel eligendi nihil consequatur nulla inventore quidem atque ut est qui saepe recusandae qui voluptas ipsum numquam eveniet nihil in quia enim hic et illum perferendis omnis quisquam iure quidem inventore rerum nobis iste quibusdam ratione ea quo beatae cum hic repellendus aut quae incidunt provident est harum fugit dicta possimus autem et ipsa ipsam itaque " to "+14156275331"
    When 137 seconds pass
    When 87 seconds pass
    When "+819078396708" texts "1" to "+14155474738"
    When "+447466236593" texts "ipsa similique eligendi nihil nemo quasi accusantium accusamus." to "+14159645185"
    When agent "agent02" composes "illum dolorum modi facilis quisquam." on interaction IMS0001016 from "+14159645185"
    When agent "agent02" composes "qui sed blanditiis iusto excepturi aut commodi." on interaction IMS0001016 from "+14159645185"
    When agent "agent02" closes IMS0001016
    When "+31656382277" texts "nemo vitae dicta recusandae eum sunt provident eius." to "+14153769932"
    When 13 seconds pass
    When "+14152362622" texts "doloribus voluptates maiores." to "+14153769932"
    When agent "agent01" composes "non id aut ut aspernatur." on interaction IMS0001048 from "+14159645185"
    When "+4915182877729" texts "no" to "+14156275331"
    When "+16047432404" texts "dolores et non explicabo aliquid ipsam doloremque mollitia." to "+14159645185"
    When "+31656382277" texts "voluptatem velit ullam nisi incidunt omnis." to "+14155474738"
    When 10 seconds pass
    When "+919317203172" texts "order" to "+14156275331"
    When agent "agent01" composes "in occaecati voluptatem dolorem fugiat enim porro dolore ipsum." from "+14155474738" to "+819078396708" for consumer "Shannon Cruickshank 2"
    When "+919343161226" texts "sed at provident occaecati." to "+14155474738"
    When agent "agent01" becomes available
    When 14 seconds pass
    When "+16049906407" texts "aliquam laudantium inventore sed." to "+14159645185"
    When agent "agent03" composes "modi non itaque suscipit accusamus accusamus vel eum fuga et dolorem." on interaction IMS0001026 from "+14155474738"
    When "+919317203172" texts "deserunt dolorem et dolorum aliquid quaerat rem." to "+14153769932"
    When agent "agent02" accepts the work item for IMS0001061
    When agent "agent02" composes "et quod quidem incidunt et autem." on interaction IMS0001061 from "+14159645185"
    When "+61466144353" texts "iste enim odit laborum et debitis qui placeat dolores." to "+14159645185"
    When Twilio delivers the webhook of message #1 of IMS0001063 again
    When 243 seconds pass
    When "+14152362622" texts "alias voluptas id possimus." to "+14156275331"
    When agent "agent01" composes "est magni nisi." on interaction IMS0001005 from "+14156275331"
    When "+5511990761082" texts "placeat quia blanditiis dolores qui eveniet sapiente eligendi minus atque nisi." to "+14156275331"
    When "+5511990761082" texts "" with the image "https://cdn.example.com/soak/19/photo-0.jpg" to "+14155474738"
    When "+61466144353" texts "delectus repudiandae ut consequatur." to "+14153769932"
    When agent "agent01" composes "quis est provident sint pariatur et." on interaction IMS0001048 from "+14159645185"
    When "+4915182877729" texts "7" to "+14156275331"
    When agent "agent02" composes "Спасибо, жду ответа" on interaction IMS0001061 from "+14159645185"
    When agent "agent01"'s SMS capacity becomes 2
    When 1 second passes
    When "+919536615648" texts "no" to "+14155474738"
    When 30 minutes pass
    Then every soak invariant holds and every send has settled
